import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { ClaimMount, ContainerProps, ContainerSecurityOptions, EnvVariable, LinuxCapability } from '../container';
import { ContainerProbe, LifecycleHook, ProbeAction, ProbeOptions } from '../probe';
import {
  checkAbsolutePath, checkDnsLabel, checkDnsSubdomain, checkInteger, checkPortName, ErrorScope, firstDuplicate, invalid,
} from '../validation';

// Checks and renders the containers of a StatefulApp. Not part of the public API.

/** Resources of a container that was given none (each value separately). */
export const DEFAULT_RESOURCES: kplus.ContainerResources = {
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

/** Cores of a cpu amount (`500m` is 0.5), or undefined when not set or not understood. */
export function cpuCores(cpu: kplus.Cpu | undefined): number | undefined {
  if (!cpu) {
    return undefined;
  }
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(cpu.amount);
  if (!m) {
    return undefined;
  }
  return m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]);
}

/** One container of an app, as the app holds it until synthesis. */
export interface ContainerState {
  /** Field prefix for messages, e.g. `container` or `sidecars[0]`. */
  readonly field: string;
  readonly name: string;
  readonly props: ContainerProps;
  readonly resources: kplus.ContainerResources;
  readonly security: ContainerSecurityOptions;
  /** Environment: the props' and what was added later, in order. */
  readonly env: EnvVariable[];
  /** Claim mounts from the claims' own mountPath (main container) and the props' claimMounts. */
  readonly claimMounts: ClaimMount[];
  /** Mounts added later (volumes, generated configuration). */
  readonly extraMounts: k8s.VolumeMount[];
  readonly defaultProbes: boolean;
}

/** Checks what the props alone show of a container; claimNames are the app's claim templates. */
export function checkContainer(scope: ErrorScope, state: ContainerState, claimNames: Set<string>): void {
  const { field, props } = state;
  checkDnsLabel(scope, field === 'container' ? 'containerName' : `${field}.name`, state.name);
  if (typeof props.image !== 'string' || props.image.trim() === '') {
    throw invalid(scope, `${field}.image`, props.image, 'must be a non-empty image reference, e.g. "nginx:1.25"');
  }
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
  (props.env ?? []).forEach((e, i) => checkEnvName(scope, `${field}.env[${i}].name`, e.name));
  const dupEnv = firstDuplicate((props.env ?? []).map(e => e.name));
  if (dupEnv !== undefined) {
    throw invalid(scope, `${field}.env`, dupEnv, 'environment variable names must be unique within a container');
  }
  (props.claimMounts ?? []).forEach((m, i) => {
    if (!claimNames.has(m.claim)) {
      throw invalid(scope, `${field}.claimMounts[${i}].claim`, m.claim,
        `is not a volume claim of this app (claims: ${[...claimNames].join(', ') || 'none'})`);
    }
    checkAbsolutePath(scope, `${field}.claimMounts[${i}].path`, m.path);
  });
  (props.writableDirectories ?? []).forEach((dir, i) => checkAbsolutePath(scope, `${field}.writableDirectories[${i}]`, dir));
  (props.configMapMounts ?? []).forEach((m, i) => {
    checkDnsSubdomain(scope, `${field}.configMapMounts[${i}].configMap`, m.configMap);
    checkAbsolutePath(scope, `${field}.configMapMounts[${i}].path`, m.path);
  });
  checkProbe(scope, `${field}.readiness`, props.readiness);
  checkProbe(scope, `${field}.liveness`, props.liveness);
  checkProbe(scope, `${field}.startup`, props.startup);
}

/** Checks an environment variable name. */
export function checkEnvName(scope: ErrorScope, field: string, name: string): void {
  if (typeof name !== 'string' || name === '' || /[=\s]/.test(name)) {
    throw invalid(scope, field, name, "must be a non-empty name without '=' or spaces");
  }
}

function checkProbe(scope: ErrorScope, field: string, probe: ContainerProbe | undefined): void {
  if (!probe) return;
  if (probe.port !== undefined) {
    checkInteger(scope, `${field}.port`, probe.port, 1, 65535);
  }
  if (probe.action === ProbeAction.EXEC && (!probe.command || probe.command.length === 0)) {
    throw invalid(scope, `${field}.command`, probe.command, 'give the command to run, e.g. ["sh", "-c", "pg_isready"]');
  }
  const o = probe.options;
  if (o.failureThreshold !== undefined) checkInteger(scope, `${field}.failureThreshold`, o.failureThreshold, 1);
  if (o.successThreshold !== undefined) checkInteger(scope, `${field}.successThreshold`, o.successThreshold, 1);
}

/** The volumes a container brings itself: its writable directories and ConfigMap mounts. */
export function ownVolumes(state: ContainerState): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  for (const dir of state.props.writableDirectories ?? []) {
    const volumeName = containerVolumeName(state.name, dir);
    volumes.push({ name: volumeName, emptyDir: {} });
    mounts.push({ name: volumeName, mountPath: dir });
  }
  for (const m of state.props.configMapMounts ?? []) {
    const volumeName = containerVolumeName(state.name, m.path);
    volumes.push({ name: volumeName, configMap: { name: m.configMap } });
    mounts.push({ name: volumeName, mountPath: m.path, readOnly: true });
  }
  return { volumes, mounts };
}

/** Every mount of a container, in the order they are rendered. */
export function allMounts(state: ContainerState): k8s.VolumeMount[] {
  return [
    ...state.claimMounts.map(m => ({ name: m.claim, mountPath: m.path, subPath: m.subPath, readOnly: m.readOnly })),
    ...ownVolumes(state).mounts,
    ...state.extraMounts,
  ];
}

/** Renders one container. */
export function renderContainer(state: ContainerState): k8s.Container {
  const { props } = state;
  const ports = props.ports ?? [];
  const firstPort = ports[0]?.number;
  const useDefaults = state.defaultProbes && firstPort !== undefined;
  const readiness = props.readiness ?? (useDefaults ? ContainerProbe.tcp(firstPort) : undefined);
  const liveness = props.liveness ?? (useDefaults
    ? ContainerProbe.tcp(firstPort, { initialDelay: Duration.seconds(30), failureThreshold: 6 }) : undefined);
  const sc = state.security;
  const mounts = allMounts(state);
  return {
    name: state.name,
    image: props.image,
    imagePullPolicy: props.imagePullPolicy,
    command: props.command,
    args: props.args,
    workingDir: props.workingDir,
    ports: ports.length > 0 ? ports.map(p => ({
      containerPort: p.number,
      name: p.name,
      protocol: p.protocol,
      hostPort: p.hostPort,
      hostIp: p.hostIp,
    })) : undefined,
    env: state.env.length > 0 ? state.env.map(e => ({ name: e.name, value: e.value.value, valueFrom: e.value.valueFrom })) : undefined,
    resources: renderResources(state.resources),
    readinessProbe: renderProbe(readiness),
    livenessProbe: renderProbe(liveness),
    startupProbe: renderProbe(props.startup),
    lifecycle: props.preStop ? { preStop: renderHandler(props.preStop) } : undefined,
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
    volumeMounts: mounts.length > 0 ? mounts : undefined,
  };
}

function renderProbe(probe: ContainerProbe | undefined): k8s.Probe | undefined {
  if (!probe) return undefined;
  const o: ProbeOptions = probe.options;
  return {
    ...renderAction(probe.action, probe.port, probe.path, probe.command),
    initialDelaySeconds: o.initialDelay?.toSeconds(),
    periodSeconds: o.period?.toSeconds(),
    timeoutSeconds: o.timeout?.toSeconds(),
    // Kubernetes' own default, written out as cdk8s-plus does.
    failureThreshold: o.failureThreshold ?? 3,
    successThreshold: o.successThreshold,
  };
}

function renderHandler(hook: LifecycleHook): k8s.LifecycleHandler {
  return renderAction(hook.action, hook.port, hook.path, hook.command);
}

function renderAction(action: ProbeAction, port?: number, path?: string, command?: string[]) {
  switch (action) {
    case ProbeAction.TCP_SOCKET:
      return { tcpSocket: { port: k8s.IntOrString.fromNumber(port!) } };
    case ProbeAction.HTTP_GET:
      return { httpGet: { path, port: k8s.IntOrString.fromNumber(port!) } };
    default:
      return { exec: { command: [...(command ?? [])] } };
  }
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

/** Checks that no request is above its limit. */
export function checkResources(scope: ErrorScope, field: string, r: kplus.ContainerResources): void {
  const cpuRequest = cpuCores(r.cpu?.request);
  const cpuLimit = cpuCores(r.cpu?.limit);
  if (cpuRequest !== undefined && cpuLimit !== undefined && cpuRequest > cpuLimit) {
    throw invalid(scope, `${field}.cpu.request`, r.cpu!.request!.amount,
      `is above the cpu limit ${r.cpu!.limit!.amount}; the API server refuses a request above its limit: lower the request or raise the limit`);
  }
  for (const [key, pair] of [['memory', r.memory], ['ephemeralStorage', r.ephemeralStorage]] as const) {
    if (pair?.request && pair.limit && sizeBytes(pair.request) > sizeBytes(pair.limit)) {
      throw invalid(scope, `${field}.${key}.request`, pair.request.asString(),
        `is above the ${key} limit ${pair.limit.asString()}; the API server refuses a request above its limit: lower the request or raise the limit`);
    }
  }
}

/** Name of a volume a container brings for a directory: `<container>-<path slug>`. */
export function containerVolumeName(containerName: string, dir: string): string {
  const slug = dir.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  return `${containerName}-${slug}`.slice(0, 63).replace(/-+$/, '');
}
