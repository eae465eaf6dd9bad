import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { AppContainerProps, ClaimMount, LinuxCapability } from '../container';
import {
  checkAbsolutePath, checkDnsLabel, checkDnsSubdomain, checkInteger, checkPortName, firstDuplicate, invalid,
} from '../validation';

// Renders the containers of a StatefulApp into Kubernetes objects. Not part of the public API.

/** What the app knows about its claims when rendering containers. */
export interface RenderContext {
  readonly scope: IConstruct;
  /** Field prefix for messages, e.g. `container` or `sidecars[0]`. */
  readonly field: string;
  readonly name: string;
  readonly claimNames: Set<string>;
  /** Mounts added by the claims' own mountPath (main container only). */
  readonly implicitMounts: ClaimMount[];
  readonly defaultProbes: boolean;
}

/** A rendered container and the emptyDir volumes it needs. */
export interface RenderedContainer {
  readonly container: k8s.Container;
  readonly volumes: k8s.Volume[];
  readonly mountedClaims: string[];
}

const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) },
  memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
};

/** Kubernetes quantity of a cdk8s Size, keeping the unit the user chose (1Gi stays 1Gi). */
export function sizeQuantity(size: Size): k8s.Quantity {
  return k8s.Quantity.fromString(size.asString());
}

/** Bytes of a Size. */
export function sizeBytes(size: Size): number {
  return size.toKibibytes() * 1024;
}

/** Renders one container of a stateful app, validating it. */
export function renderContainer(props: AppContainerProps, ctx: RenderContext): RenderedContainer {
  const { scope, field } = ctx;
  checkDnsLabel(scope, `${field}.name`, ctx.name);
  if (typeof props.image !== 'string' || props.image.trim() === '') {
    throw invalid(scope, `${field}.image`, props.image, 'must be a non-empty image reference, e.g. "nginx:1.25"');
  }

  // ports
  const ports = props.ports ?? [];
  ports.forEach((p, i) => {
    checkInteger(scope, `${field}.ports[${i}].number`, p.number, 1, 65535);
    if (p.name !== undefined) {
      checkPortName(scope, `${field}.ports[${i}].name`, p.name);
    }
  });
  const dupName = firstDuplicate(ports.filter(p => p.name !== undefined).map(p => p.name));
  if (dupName !== undefined) {
    throw invalid(scope, `${field}.ports`, dupName, 'port names must be unique within a container');
  }
  const dupNumber = firstDuplicate(ports.map(p => `${p.number}/${p.protocol ?? 'TCP'}`));
  if (dupNumber !== undefined) {
    throw invalid(scope, `${field}.ports`, dupNumber, 'port numbers must be unique within a container');
  }

  // env
  const env = props.env ?? [];
  const dupEnv = firstDuplicate(env.map(e => e.name));
  if (dupEnv !== undefined) {
    throw invalid(scope, `${field}.env`, dupEnv, 'environment variable names must be unique within a container');
  }
  env.forEach((e, i) => {
    if (typeof e.name !== 'string' || e.name === '' || /[=\s]/.test(e.name)) {
      throw invalid(scope, `${field}.env[${i}].name`, e.name, "must be a non-empty name without '=' or spaces");
    }
  });

  // mounts: the claims' own mountPath (main container), explicit claim mounts, writable dirs
  const claimMounts = [...ctx.implicitMounts, ...(props.claimMounts ?? [])];
  const writable = props.writableDirectories ?? [];
  const volumeMounts: k8s.VolumeMount[] = [];
  const volumes: k8s.Volume[] = [];
  (props.claimMounts ?? []).forEach((m, i) => {
    if (!ctx.claimNames.has(m.claim)) {
      throw invalid(scope, `${field}.claimMounts[${i}].claim`, m.claim,
        `is not a volume claim of this app (claims: ${[...ctx.claimNames].join(', ') || 'none'})`);
    }
    checkAbsolutePath(scope, `${field}.claimMounts[${i}].path`, m.path);
  });
  for (const m of claimMounts) {
    volumeMounts.push({ name: m.claim, mountPath: m.path, subPath: m.subPath, readOnly: m.readOnly });
  }
  writable.forEach((dir, i) => {
    checkAbsolutePath(scope, `${field}.writableDirectories[${i}]`, dir);
    const volumeName = writableVolumeName(ctx.name, dir);
    volumes.push({ name: volumeName, emptyDir: {} });
    volumeMounts.push({ name: volumeName, mountPath: dir });
  });
  (props.configMapMounts ?? []).forEach((m, i) => {
    checkDnsSubdomain(scope, `${field}.configMapMounts[${i}].configMap`, m.configMap);
    checkAbsolutePath(scope, `${field}.configMapMounts[${i}].path`, m.path);
    const volumeName = writableVolumeName(ctx.name, m.path);
    volumes.push({ name: volumeName, configMap: { name: m.configMap } });
    volumeMounts.push({ name: volumeName, mountPath: m.path, readOnly: true });
  });
  const dupPath = firstDuplicate(volumeMounts.map(m => m.mountPath.replace(/\/+$/, '') || '/'));
  if (dupPath !== undefined) {
    throw invalid(scope, `${field} mount path`, dupPath, 'two volumes are mounted at the same path; mount each at its own path');
  }

  // probes default to the first port of the main container
  const firstPort = ports[0]?.number;
  const useDefaults = ctx.defaultProbes && firstPort !== undefined;
  const readiness = props.readiness ?? (useDefaults ? kplus.Probe.fromTcpSocket({ port: firstPort }) : undefined);
  const liveness = props.liveness ?? (useDefaults ? kplus.Probe.fromTcpSocket({
    port: firstPort,
    initialDelaySeconds: Duration.seconds(30),
    failureThreshold: 6,
  }) : undefined);

  // cdk8s-plus renders ports, probes and lifecycle hooks.
  const plus = new kplus.Container({
    name: ctx.name,
    image: props.image,
    command: props.command,
    args: props.args,
    workingDir: props.workingDir,
    ports: props.ports,
    readiness,
    liveness,
    startup: props.startup,
    lifecycle: props.preStop ? { preStop: props.preStop } : undefined,
  });
  const kube = plus._toKube();

  const sc = props.securityContext ?? {};
  const container: k8s.Container = {
    name: ctx.name,
    image: props.image,
    imagePullPolicy: props.imagePullPolicy,
    command: props.command,
    args: props.args,
    workingDir: props.workingDir,
    ports: kube.ports,
    env: env.length > 0 ? env.map(e => ({ name: e.name, value: e.value.value, valueFrom: e.value.valueFrom })) : undefined,
    resources: renderResources(props.resources ?? DEFAULT_RESOURCES),
    readinessProbe: kube.readinessProbe,
    livenessProbe: kube.livenessProbe,
    startupProbe: kube.startupProbe,
    lifecycle: kube.lifecycle,
    securityContext: {
      runAsNonRoot: sc.ensureNonRoot ?? true,
      runAsUser: sc.user,
      runAsGroup: sc.group,
      privileged: sc.privileged ?? false,
      readOnlyRootFilesystem: sc.readOnlyRootFilesystem ?? true,
      allowPrivilegeEscalation: sc.allowPrivilegeEscalation ?? false,
      capabilities: {
        drop: sc.dropCapabilities ?? [LinuxCapability.ALL],
        add: sc.addCapabilities && sc.addCapabilities.length > 0 ? sc.addCapabilities : undefined,
      },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: volumeMounts.length > 0 ? volumeMounts : undefined,
  };
  return { container, volumes, mountedClaims: claimMounts.map(m => m.claim) };
}

function renderResources(r: kplus.ContainerResources): k8s.ResourceRequirements {
  const requests: { [key: string]: k8s.Quantity } = {};
  const limits: { [key: string]: k8s.Quantity } = {};
  if (r.cpu?.request) requests.cpu = k8s.Quantity.fromString(r.cpu.request.amount);
  if (r.memory?.request) requests.memory = sizeQuantity(r.memory.request);
  if (r.ephemeralStorage?.request) requests['ephemeral-storage'] = sizeQuantity(r.ephemeralStorage.request);
  if (r.cpu?.limit) limits.cpu = k8s.Quantity.fromString(r.cpu.limit.amount);
  if (r.memory?.limit) limits.memory = sizeQuantity(r.memory.limit);
  if (r.ephemeralStorage?.limit) limits['ephemeral-storage'] = sizeQuantity(r.ephemeralStorage.limit);
  return {
    requests: Object.keys(requests).length > 0 ? requests : undefined,
    limits: Object.keys(limits).length > 0 ? limits : undefined,
  };
}

function writableVolumeName(containerName: string, dir: string): string {
  const slug = dir.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  return `${containerName}-${slug}`.slice(0, 63).replace(/-+$/, '');
}
