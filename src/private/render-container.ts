import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { k8s } from 'cdk8s-plus-27';
import { ClaimMount, ContainerProps, ContainerSecurityOptions, EnvVariable, LinuxCapability } from '../container';
import { ContainerProbe, LifecycleHook, ProbeAction, ProbeOptions } from '../probe';
import {
  checkAbsolutePath, checkConfigMapKey, checkDnsLabel, checkDnsSubdomain, checkDuration, checkEnumValue, checkEnvVarName, checkId,
  checkImage, checkInteger, checkPortName, checkSize, checkSubPath, ErrorScope, firstDuplicate, invalid, isIpAddress,
  isQualifiedName,
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
  return size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
}

/** Cores of a cpu amount (`500m` is 0.5, `1e-3` is 0.001), or undefined when not set or not understood. */
export function cpuCores(cpu: kplus.Cpu | undefined): number | undefined {
  if (!cpu || typeof cpu.amount !== 'string') {
    return undefined;
  }
  const m = /^(\d+(?:\.\d*)?|\.\d+)(e[-+]?\d+)?(m?)$/i.exec(cpu.amount);
  if (!m) {
    return undefined;
  }
  const value = Number(`${m[1]}${m[2] ?? ''}`);
  return m[3] === 'm' ? value / 1000 : value;
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
  /** An init container: it runs to completion, so it takes no probes and no lifecycle hooks. */
  readonly init?: boolean;
}

/** Options of the container checks that come from the app. */
export interface ContainerCheckOptions {
  /** Probes may name ports the container does not declare (`allowUndeclaredPorts`). */
  readonly allowUndeclaredPorts?: boolean;
}

/** Checks what the props alone show of a container; `claims` are the app's claim templates. */
export function checkContainer(
  scope: ErrorScope, state: ContainerState, claims: ReadonlyArray<{ name: string }>, options: ContainerCheckOptions,
): void {
  const { field, props } = state;
  checkDnsLabel(scope, field === 'container' ? 'containerName' : `${field}.name`, state.name);
  checkImage(scope, `${field}.image`, props.image);
  if (props.imagePullPolicy !== undefined) {
    checkEnumValue(scope, `${field}.imagePullPolicy`, props.imagePullPolicy, kplus.ImagePullPolicy, 'ImagePullPolicy');
  }
  if (props.command !== undefined) checkStrings(scope, `${field}.command`, props.command);
  if (props.args !== undefined) checkStrings(scope, `${field}.args`, props.args);
  if (props.workingDir !== undefined) {
    // The container runtime needs an absolute working directory.
    checkAbsolutePath(scope, `${field}.workingDir`, props.workingDir);
  }
  const ports = props.ports ?? [];
  ports.forEach((p, i) => {
    checkInteger(scope, `${field}.ports[${i}].number`, p.number, 1, 65535);
    if (p.name !== undefined) {
      checkPortName(scope, `${field}.ports[${i}].name`, p.name);
    }
    if (p.protocol !== undefined) {
      checkEnumValue(scope, `${field}.ports[${i}].protocol`, p.protocol, kplus.Protocol, 'Protocol');
    }
    if (p.hostPort !== undefined) {
      checkInteger(scope, `${field}.ports[${i}].hostPort`, p.hostPort, 1, 65535);
    }
    if (p.hostIp !== undefined && (typeof p.hostIp !== 'string' || !isIpAddress(p.hostIp))) {
      throw invalid(scope, `${field}.ports[${i}].hostIp`, p.hostIp, 'must be an IP address of the node, e.g. "0.0.0.0" or "10.0.0.5"');
    }
  });
  if (ports.length > 1) {
    const dupName = firstDuplicate(ports.filter(p => p.name !== undefined).map(p => p.name));
    if (dupName !== undefined) {
      throw invalid(scope, `${field}.ports`, dupName, 'port names must be unique within a container');
    }
    const dupNumber = firstDuplicate(ports.map(p => `${p.number}/${p.protocol ?? 'TCP'}`));
    if (dupNumber !== undefined) {
      throw invalid(scope, `${field}.ports`, dupNumber, 'port numbers must be unique within a container');
    }
  }
  if (props.env !== undefined) {
    props.env.forEach((e, i) => checkEnvVariable(scope, `${field}.env[${i}]`, e));
    const dupEnv = firstDuplicate(props.env.map(e => e.name));
    if (dupEnv !== undefined) {
      throw invalid(scope, `${field}.env`, dupEnv, 'environment variable names must be unique within a container');
    }
  }
  if (props.claimMounts !== undefined) {
    props.claimMounts.forEach((m, i) => {
      if (!claims.some(c => c.name === m.claim)) {
        throw invalid(scope, `${field}.claimMounts[${i}].claim`, m.claim,
          `is not a volume claim of this app (claims: ${claims.map(c => c.name).join(', ') || 'none'})`);
      }
      checkAbsolutePath(scope, `${field}.claimMounts[${i}].path`, m.path);
      checkSubPath(scope, `${field}.claimMounts[${i}].subPath`, m.subPath);
    });
  }
  if (props.writableDirectories !== undefined) {
    props.writableDirectories.forEach((dir, i) => checkAbsolutePath(scope, `${field}.writableDirectories[${i}]`, dir));
  }
  if (props.configMapMounts !== undefined) {
    props.configMapMounts.forEach((m, i) => {
      checkDnsSubdomain(scope, `${field}.configMapMounts[${i}].configMap`, m.configMap);
      checkAbsolutePath(scope, `${field}.configMapMounts[${i}].path`, m.path);
    });
  }
  const checkGivenProbe = (kind: string, probe: ContainerProbe) => {
    if (state.init) {
      // validateInitContainers: an init container runs to completion; the API server refuses its probes.
      throw invalid(scope, `${field}.${kind}`, describeProbe(probe),
        'an init container runs to completion before the app starts and takes no probes (the API server refuses them); remove it');
    }
    checkProbe(scope, `${field}.${kind}`, probe, kind, ports, options);
  };
  if (props.readiness !== undefined) checkGivenProbe('readiness', props.readiness);
  if (props.liveness !== undefined) checkGivenProbe('liveness', props.liveness);
  if (props.startup !== undefined) checkGivenProbe('startup', props.startup);
  if (props.preStop !== undefined) {
    if (state.init) {
      throw invalid(scope, `${field}.preStop`, describeProbe(props.preStop),
        'an init container takes no lifecycle hooks (the API server refuses them); remove it');
    }
    checkHook(scope, `${field}.preStop`, props.preStop, ports, options);
  }
  checkContainerSecurity(scope, field === 'container' ? 'containerSecurity' : `${field}.containerSecurity`, state.security);
}

/** Checks that a list, if given, holds strings only. */
function checkStrings(scope: ErrorScope, field: string, list: string[] | undefined): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    throw invalid(scope, field, list, 'must be a list of strings, e.g. ["sh", "-c", "exec my-server"]');
  }
  list.forEach((item, i) => {
    if (typeof item !== 'string') {
      throw invalid(scope, `${field}[${i}]`, item, 'must be a string (quote numbers, e.g. "8080")');
    }
  });
}

/** Checks a container's security settings as the API server does, and what would stop it from starting. */
export function checkContainerSecurity(scope: ErrorScope, field: string, sc: ContainerSecurityOptions): void {
  if (sc.user !== undefined) checkId(scope, `${field}.user`, sc.user);
  if (sc.group !== undefined) checkId(scope, `${field}.group`, sc.group);
  if (sc.addCapabilities !== undefined) {
    sc.addCapabilities.forEach((c, i) => checkEnumValue(scope, `${field}.addCapabilities[${i}]`, c, LinuxCapability, 'LinuxCapability'));
  }
  if (sc.dropCapabilities !== undefined) {
    sc.dropCapabilities.forEach((c, i) => checkEnumValue(scope, `${field}.dropCapabilities[${i}]`, c, LinuxCapability, 'LinuxCapability'));
  }
  if (sc.privileged === true && !(sc.allowPrivilegeEscalation ?? false)) {
    // ValidateSecurityContext: "cannot set `allowPrivilegeEscalation` to false and `privileged` to true".
    throw invalid(scope, `${field}.privileged`, true,
      'a privileged container can always gain privileges, and the API server refuses privileged: true with allowPrivilegeEscalation: false '
      + '(the default); set allowPrivilegeEscalation: true as well, or better, add only the capabilities the image needs (addCapabilities)');
  }
}

/**
 * Refuses a container that must run as non-root but is given user 0: the kubelet refuses to start
 * it ("container's runAsUser breaks non-root policy"). `ensureNonRoot: false` is the opt-in for an
 * image that must run as root.
 */
export function checkRootUser(scope: ErrorScope, state: ContainerState, podSecurity: kplus.PodSecurityContextProps): void {
  const sc = state.security;
  const prefix = state.field === 'container' ? 'containerSecurity' : `${state.field}.containerSecurity`;
  const user = sc.user ?? podSecurity.user;
  if (user === 0 && (sc.ensureNonRoot ?? true)) {
    const fromPod = sc.user === undefined;
    throw invalid(scope, fromPod ? 'podSecurity.user' : `${prefix}.user`, 0,
      `runs the ${state.name} container as root, which its runAsNonRoot (${prefix}.ensureNonRoot, true by default) forbids: the kubelet `
      + `would refuse to start it. Give a non-zero user, or, for an image that must run as root, set ${prefix}.ensureNonRoot: false`);
  }
}

/** Checks one environment variable: its name, and the names, keys and paths its value refers to. */
export function checkEnvVariable(scope: ErrorScope, field: string, e: EnvVariable): void {
  if (e === null || typeof e !== 'object') {
    throw invalid(scope, field, e, 'must be { name, value: EnvValue.fromValue(...) }');
  }
  checkEnvVarName(scope, `${field}.name`, e.name);
  checkEnvValue(scope, `${field}.value`, e.value);
}

/** Field paths of the pod an environment variable may read (`validEnvDownwardAPIFieldPathExpressions`). */
const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
/** Resources an environment variable may read (`validContainerResourceFieldPathExpressions`). */
const ENV_RESOURCES = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];
/** Divisors the API server accepts (`validateContainerResourceDivisor`). */
const CPU_DIVISORS = ['1m', '1'];
const BYTE_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

/** Checks an EnvValue: a literal string, or a reference the API server accepts (`validateEnvVarValueFrom`). */
export function checkEnvValue(scope: ErrorScope, field: string, v: kplus.EnvValue): void {
  if (!(v instanceof kplus.EnvValue)) {
    throw invalid(scope, field, v, 'must be an EnvValue: EnvValue.fromValue("..."), fromSecretValue, fromConfigMap, fromFieldRef or fromResource');
  }
  if (v.value !== undefined && typeof v.value !== 'string') {
    throw invalid(scope, field, v.value, 'must be a string: quote numbers and booleans, e.g. EnvValue.fromValue("8080")');
  }
  const from = v.valueFrom as { [key: string]: any } | undefined;
  if (from === undefined) return;
  for (const [kind, what] of [['configMapKeyRef', 'ConfigMap'], ['secretKeyRef', 'Secret']] as const) {
    const ref = from[kind];
    if (ref === undefined) continue;
    checkDnsSubdomain(scope, `${field} ${what} name`, ref.name);
    checkConfigMapKey(scope, `${field} ${what} key`, ref.key);
  }
  const fieldRef = from.fieldRef;
  if (fieldRef !== undefined) {
    const path: unknown = fieldRef.fieldPath;
    const subscript = typeof path === 'string' ? /^(metadata\.labels|metadata\.annotations)\['(.*)'\]$/.exec(path) : null;
    if (subscript) {
      const key = subscript[1] === 'metadata.annotations' ? subscript[2].toLowerCase() : subscript[2];
      if (!isQualifiedName(key)) {
        throw invalid(scope, `${field} field path`, path,
          `the ${subscript[1] === 'metadata.labels' ? 'label' : 'annotation'} key must be a qualified name ([prefix/]name), e.g. "app.kubernetes.io/name"`);
      }
    } else if (typeof path !== 'string' || !ENV_FIELD_PATHS.includes(path)) {
      throw invalid(scope, `${field} field path`, path,
        `an environment variable can read only ${ENV_FIELD_PATHS.join(', ')}, metadata.labels['<key>'] and metadata.annotations['<key>'] `
        + '(the whole label or annotation map only through a downwardAPI volume)');
    }
    if (fieldRef.apiVersion !== undefined && fieldRef.apiVersion !== 'v1') {
      throw invalid(scope, `${field} field apiVersion`, fieldRef.apiVersion, 'pod fields are read in apiVersion "v1" only; leave it unset');
    }
  }
  const resourceRef = from.resourceFieldRef;
  if (resourceRef !== undefined) {
    const resource: unknown = resourceRef.resource;
    if (typeof resource !== 'string' || !ENV_RESOURCES.includes(resource)) {
      throw invalid(scope, `${field} resource`, resource, `must be one of ${ENV_RESOURCES.join(', ')}`);
    }
    const divisor: unknown = resourceRef.divisor?.value;
    if (divisor !== undefined) {
      const allowed = resource.endsWith('.cpu') ? CPU_DIVISORS : BYTE_DIVISORS;
      if (typeof divisor !== 'string' || !allowed.includes(divisor)) {
        throw invalid(scope, `${field} divisor`, divisor, `the API server accepts only ${allowed.join(', ')} for ${resource}`);
      }
    }
    const container: unknown = resourceRef.containerName;
    if (container !== undefined) {
      checkDnsLabel(scope, `${field} container`, container as string);
    }
  }
}

/** A probe or hook, for messages. */
function describeProbe(p: ContainerProbe | LifecycleHook): string {
  return p.action === ProbeAction.EXEC ? `exec ${JSON.stringify(p.command)}` : `${p.action} port ${p.port}`;
}

function checkProbe(
  scope: ErrorScope, field: string, probe: ContainerProbe | undefined, kind: string, ports: kplus.ContainerPort[], options: ContainerCheckOptions,
): void {
  if (probe === undefined) return;
  if (!(probe instanceof ContainerProbe)) {
    throw invalid(scope, field, probe, 'must be ContainerProbe.tcp(port), ContainerProbe.httpGet(path, port) or ContainerProbe.exec(command)');
  }
  checkAction(scope, field, probe.action, probe.port, probe.path, probe.command, ports, options);
  const o = probe.options ?? {};
  // validateProbe: the timings are whole seconds; a period or timeout of 0 would silently become the
  // Kubernetes default (10 s, 1 s), so they must be at least 1 second.
  checkDuration(scope, `${field}.initialDelay`, o.initialDelay, { unit: 'seconds', min: 0, example: 'Duration.seconds(10)' });
  checkDuration(scope, `${field}.period`, o.period, {
    unit: 'seconds', min: 1, why: 'Kubernetes replaces 0 with its default of 10 seconds', example: 'Duration.seconds(10)',
  });
  checkDuration(scope, `${field}.timeout`, o.timeout, {
    unit: 'seconds', min: 1, why: 'Kubernetes replaces 0 with its default of 1 second', example: 'Duration.seconds(5)',
  });
  if (o.failureThreshold !== undefined) checkInteger(scope, `${field}.failureThreshold`, o.failureThreshold, 1);
  if (o.successThreshold !== undefined) {
    checkInteger(scope, `${field}.successThreshold`, o.successThreshold, 1);
    if (kind !== 'readiness' && o.successThreshold !== 1) {
      // validateContainers: liveness and startup probes must have successThreshold 1.
      throw invalid(scope, `${field}.successThreshold`, o.successThreshold,
        `must be 1 for a ${kind} probe (the API server refuses any other value); only a readiness probe may need several successes`);
    }
  }
}

function checkHook(scope: ErrorScope, field: string, hook: LifecycleHook, ports: kplus.ContainerPort[], options: ContainerCheckOptions): void {
  if (!(hook instanceof LifecycleHook)) {
    throw invalid(scope, field, hook, 'must be LifecycleHook.exec(command) or LifecycleHook.httpGet(path, port)');
  }
  checkAction(scope, field, hook.action, hook.port, hook.path, hook.command, ports, options);
}

/** Checks the action of a probe or hook (`validateHandler`), and that its port is one the container declares. */
function checkAction(
  scope: ErrorScope, field: string, action: ProbeAction, port: number | undefined, path: string | undefined, command: string[] | undefined,
  ports: kplus.ContainerPort[], options: ContainerCheckOptions,
): void {
  if (action === ProbeAction.EXEC) {
    if (!Array.isArray(command) || command.length === 0 || typeof command[0] !== 'string' || command[0].trim() === '') {
      throw invalid(scope, `${field}.command`, command, 'give the command to run, e.g. ["sh", "-c", "pg_isready"]');
    }
    checkStrings(scope, `${field}.command`, command);
    return;
  }
  checkInteger(scope, `${field}.port`, port!, 1, 65535);
  if (action === ProbeAction.HTTP_GET && (typeof path !== 'string' || !path.startsWith('/') || /\s/.test(path))) {
    throw invalid(scope, `${field}.path`, path, 'must be an absolute URL path without spaces, e.g. "/healthz"');
  }
  if (!options.allowUndeclaredPorts && !ports.some(p => p.number === port && (p.protocol ?? kplus.Protocol.TCP) === kplus.Protocol.TCP)) {
    const declared = ports.map(p => p.number).join(', ') || 'none';
    throw invalid(scope, `${field}.port`, port,
      `is not a TCP port the container declares (its ports: ${declared}); a probe on a port nothing listens on fails forever. `
      + 'Declare the port in the container\'s ports, or set allowUndeclaredPorts: true if the process listens on a port you do not declare');
  }
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
  const mounts: k8s.VolumeMount[] = state.claimMounts
    .map(m => defined({ name: m.claim, mountPath: m.path, subPath: m.subPath, readOnly: m.readOnly }));
  if (state.props.writableDirectories !== undefined || state.props.configMapMounts !== undefined) mounts.push(...ownVolumes(state).mounts);
  for (const m of state.extraMounts) mounts.push(defined(m));
  return mounts;
}

/**
 * A copy of an object without its undefined keys. cdk8s resolves every key of what an object
 * renders one by one (and drops the undefined ones only afterwards), so rendering without them
 * keeps synthesis fast.
 */
export function defined<T extends object>(o: T): T {
  const out: { [key: string]: unknown } = {};
  for (const key in o) {
    const v: unknown = o[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

/** The options of the default liveness probe (the default readiness probe has none). */
const DEFAULT_LIVENESS: ProbeOptions = { initialDelay: Duration.seconds(30), failureThreshold: 6 };

/** Renders one container. */
export function renderContainer(state: ContainerState): k8s.Container {
  const { props } = state;
  const ports = props.ports ?? [];
  const firstPort = ports[0]?.number;
  const useDefaults = state.defaultProbes && firstPort !== undefined;
  const defaults = useDefaults ? defaultProbes(firstPort) : undefined;
  const mounts = allMounts(state);
  return defined({
    name: state.name,
    image: props.image,
    imagePullPolicy: props.imagePullPolicy,
    command: props.command,
    args: props.args,
    workingDir: props.workingDir,
    ports: ports.length > 0 ? ports.map(p => defined({
      containerPort: p.number,
      name: p.name,
      protocol: p.protocol,
      hostPort: p.hostPort,
      hostIp: p.hostIp,
    })) : undefined,
    env: state.env.length > 0 ? state.env.map(e => defined({ name: e.name, value: e.value.value, valueFrom: e.value.valueFrom })) : undefined,
    resources: renderResources(state.resources),
    readinessProbe: props.readiness !== undefined ? renderProbe(props.readiness) : defaults?.readiness,
    livenessProbe: props.liveness !== undefined ? renderProbe(props.liveness) : defaults?.liveness,
    startupProbe: renderProbe(props.startup),
    lifecycle: props.preStop ? { preStop: renderHandler(props.preStop) } : undefined,
    securityContext: state.security === NO_SECURITY_OPTIONS ? renderedDefaultSecurity ??= renderSecurity(NO_SECURITY_OPTIONS)
      : renderSecurity(state.security),
    volumeMounts: mounts.length > 0 ? mounts : undefined,
  });
}

/** The security options of a container that gives none (`containerSecurity` unset). */
export const NO_SECURITY_OPTIONS: ContainerSecurityOptions = Object.freeze({});

// Rendered defaults, made once and shared by every app that uses them: cdk8s copies what it
// resolves, so these are only read.
let renderedDefaultSecurity: k8s.SecurityContext | undefined;
const renderedDefaultProbes = new Map<number, { readiness: k8s.Probe; liveness: k8s.Probe }>();

/** The default readiness and liveness probes of a container whose first port is `port`. */
function defaultProbes(port: number): { readiness: k8s.Probe; liveness: k8s.Probe } {
  let probes = renderedDefaultProbes.get(port);
  if (probes === undefined) {
    probes = { readiness: renderProbe(ContainerProbe.tcp(port))!, liveness: renderProbe(ContainerProbe.tcp(port, DEFAULT_LIVENESS))! };
    renderedDefaultProbes.set(port, probes);
  }
  return probes;
}

function renderSecurity(sc: ContainerSecurityOptions): k8s.SecurityContext {
  return defined({
    runAsNonRoot: sc.ensureNonRoot ?? true,
    runAsUser: sc.user,
    runAsGroup: sc.group,
    privileged: sc.privileged ?? false,
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem ?? true,
    allowPrivilegeEscalation: sc.allowPrivilegeEscalation ?? false,
    capabilities: defined({
      drop: sc.dropCapabilities ?? [LinuxCapability.ALL],
      add: sc.addCapabilities && sc.addCapabilities.length > 0 ? sc.addCapabilities : undefined,
    }),
    seccompProfile: { type: 'RuntimeDefault' },
  });
}

function renderProbe(probe: ContainerProbe | undefined): k8s.Probe | undefined {
  if (!probe) return undefined;
  const o: ProbeOptions = probe.options;
  return defined({
    ...renderAction(probe.action, probe.port, probe.path, probe.command),
    initialDelaySeconds: o.initialDelay?.toSeconds(),
    periodSeconds: o.period?.toSeconds(),
    timeoutSeconds: o.timeout?.toSeconds(),
    // Kubernetes' own default, written out as cdk8s-plus does.
    failureThreshold: o.failureThreshold ?? 3,
    successThreshold: o.successThreshold,
  });
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

/** The default resources, rendered once (the rendered value is only read). */
let renderedDefaultResources: k8s.ResourceRequirements | undefined;

function renderResources(r: kplus.ContainerResources): k8s.ResourceRequirements {
  if (r === DEFAULT_RESOURCES) return renderedDefaultResources ??= renderGivenResources(r);
  return renderGivenResources(r);
}

function renderGivenResources(r: kplus.ContainerResources): k8s.ResourceRequirements {
  const requests: { [key: string]: k8s.Quantity } = {};
  const limits: { [key: string]: k8s.Quantity } = {};
  if (r.cpu?.request) requests.cpu = k8s.Quantity.fromString(r.cpu.request.amount);
  if (r.memory?.request) requests.memory = sizeQuantity(r.memory.request);
  if (r.ephemeralStorage?.request) requests['ephemeral-storage'] = sizeQuantity(r.ephemeralStorage.request);
  if (r.cpu?.limit) limits.cpu = k8s.Quantity.fromString(r.cpu.limit.amount);
  if (r.memory?.limit) limits.memory = sizeQuantity(r.memory.limit);
  if (r.ephemeralStorage?.limit) limits['ephemeral-storage'] = sizeQuantity(r.ephemeralStorage.limit);
  return defined({
    requests: Object.keys(requests).length > 0 ? requests : undefined,
    limits: Object.keys(limits).length > 0 ? limits : undefined,
  });
}

/**
 * Checks a container's resources: cpu amounts Kubernetes can represent (whole millicores, not
 * negative), sizes that are Sizes, limits above zero, and no request above its limit (the API
 * server refuses that).
 */
export function checkResources(scope: ErrorScope, field: string, r: kplus.ContainerResources): void {
  if (r === null || typeof r !== 'object') {
    throw invalid(scope, field, r, 'must be { cpu: { request, limit }, memory: { request, limit } } with Cpu and Size values');
  }
  for (const end of ['request', 'limit'] as const) {
    const cpu = r.cpu?.[end];
    if (cpu === undefined) continue;
    const cores = cpuCores(cpu);
    if (!(cpu instanceof kplus.Cpu) || cores === undefined || !Number.isFinite(cores)) {
      throw invalid(scope, `${field}.cpu.${end}`, cpu instanceof kplus.Cpu ? cpu.amount : cpu,
        'must be a cpu amount of 0 or more, e.g. Cpu.millis(250) or Cpu.units(1)');
    }
    if (!Number.isInteger(Math.round(cores * 1e9) / 1e6)) {
      throw invalid(scope, `${field}.cpu.${end}`, cpu.amount,
        'Kubernetes counts cpu in whole millicores and would round this up; give a whole number of millicores, e.g. Cpu.millis(1)');
    }
    if (end === 'limit' && cores === 0) {
      throw invalid(scope, `${field}.cpu.limit`, cpu.amount, 'a cpu limit of 0 leaves the container no cpu time; give a limit above 0, e.g. Cpu.units(1)');
    }
  }
  for (const key of ['memory', 'ephemeralStorage'] as const) {
    for (const end of ['request', 'limit'] as const) {
      const size = r[key]?.[end];
      const bytes = checkSize(scope, `${field}.${key}.${end}`, size, 'Size.mebibytes(512)', end === 'request');
      if (end === 'limit' && bytes === 0) {
        throw invalid(scope, `${field}.${key}.limit`, size, 'a limit of 0 would kill the container at once; give a limit above 0');
      }
    }
  }
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
