import { ApiObject, Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  CassandraRing, CassandraRingProps, ContainerProbe, DisruptionBudget, HostPathVolumeSet, HostPathVolumeSetProps, LifecycleHook,
  NfsVolumeSet, Scrape, NfsVolumeSetProps, PodVolume, Spreading, StatefulApp, StatefulAppProps, StaticVolumeSet, StorageClass,
  StorageClassProps, TaintEffect, TopologySpread, VolumePaths, WhenUnsatisfiable, ZooKeeperEnsemble, ZooKeeperEnsembleProps, ZooKeeperImage,
} from '../src';
import { freshChart, synthValidated } from './util/synth';
import { validateBudget, validateStatefulSet, validateStringMaps } from '../src/plan/validate';

// A battery of bad inputs, grouped by kind, across the six constructs. Each case states its expected
// outcome: a refusal at synth time in the library's one format (`<path>: invalid <field> <value>:
// <what is allowed or how to fix it>`), with the construct path and the field the user wrote; or an
// acceptance, with the reason it is right (the YAML is then checked against the Kubernetes schema).

/** The library's error format: the construct path, the field, the value, and a fix. */
const FORMAT = /^test(\/[\w.-]+)*: invalid \S.* .+: \S.{9,}/s;

type Build = (chart: Chart) => void;
interface Refused { readonly refused: RegExp }
interface Accepted { readonly accepted: string; readonly check?: (objects: any[]) => void }
interface Case {
  readonly kind: string;
  readonly construct: 'StatefulApp' | 'ZooKeeperEnsemble' | 'CassandraRing' | 'StorageClass' | 'HostPathVolumeSet' | 'NfsVolumeSet';
  readonly input: string;
  readonly build: Build;
  readonly expect: Refused | Accepted;
}

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A refusal under the construct path `path` for the field `field`, whose message also matches `more`. */
function refused(path: string, field: string, more?: RegExp): Refused {
  return { refused: new RegExp(`^test/${esc(path)}: invalid ${esc(field)}[ :][^]*${more ? more.source : ''}`) };
}

function accepted(reason: string, check?: (objects: any[]) => void): Accepted {
  return { accepted: reason, check };
}

// ---- builders: each makes a small, valid construct, with the bad input given as overrides ------

const PG: StatefulAppProps = {
  replicas: 2,
  container: { image: 'postgres:16.4', ports: [{ number: 5432, name: 'pg' }] },
  volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/var/lib/postgresql/data' }],
};

function app(over: Partial<StatefulAppProps> = {}, container: Partial<StatefulAppProps['container']> = {}): Build {
  return chart => {
    new StatefulApp(chart, 'db', { ...PG, ...over, container: { ...PG.container, ...container } });
  };
}

function appThen(over: Partial<StatefulAppProps>, then: (a: StatefulApp) => void): Build {
  return chart => then(new StatefulApp(chart, 'db', { ...PG, ...over }));
}

function zk(over: ZooKeeperEnsembleProps = {}): Build {
  return chart => {
    new ZooKeeperEnsemble(chart, 'zk', over);
  };
}

function cass(over: CassandraRingProps = {}): Build {
  return chart => {
    new CassandraRing(chart, 'cass', over);
  };
}

function sc(over: Partial<StorageClassProps> = {}): Build {
  return chart => {
    new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com', ...over });
  };
}

function staticApp(chart: Construct, over: Partial<StatefulAppProps> = {}, id = 'redis'): StatefulApp {
  return new StatefulApp(chart, id, {
    replicas: 2,
    container: { image: 'redis:7.2', ports: [{ number: 6379, name: 'redis' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data', storageClass: StorageClass.none() }],
    ...over,
  });
}

function hostPath(over: Partial<HostPathVolumeSetProps> = {}, appOver: Partial<StatefulAppProps> = {}): Build {
  return chart => {
    new HostPathVolumeSet(chart, 'volumes', { app: staticApp(chart, appOver), claim: 'data', paths: VolumePaths.under('/srv/volumes'), ...over });
  };
}

function nfs(over: Partial<NfsVolumeSetProps> = {}): Build {
  return chart => {
    new NfsVolumeSet(chart, 'volumes', {
      app: staticApp(chart), claim: 'data', server: 'nfs.example.com', paths: VolumePaths.under('/exports'), ...over,
    });
  };
}

/** A chart with its own props (namespace, labels) built by `build`. */
function inChart(props: { namespace?: string; labels?: { [key: string]: string } }, build: Build): Build {
  return () => build(new Chart(Testing.app(), 'test', props));
}

const LONG = 'x'.repeat(64);
const any = (v: unknown) => v as never;

// ---- the battery ------------------------------------------------------------------------------

const CASES: Case[] = [
  // Labels, selector labels, annotations, and what a chart stamps on every object
  { kind: 'labels', construct: 'StatefulApp', input: 'selector label key with a space', build: app({ selectorLabels: { 'my app': 'db' } }), expect: refused('db', 'selectorLabels key') },
  { kind: 'labels', construct: 'StatefulApp', input: 'selector label value of 64 characters', build: app({ selectorLabels: { app: LONG } }), expect: refused('db', 'selectorLabels["app"]') },
  { kind: 'labels', construct: 'StatefulApp', input: 'selector label value with a space', build: app({ selectorLabels: { app: 'my db' } }), expect: refused('db', 'selectorLabels["app"]') },
  { kind: 'labels', construct: 'StatefulApp', input: 'selector label value ending in "-"', build: app({ selectorLabels: { app: 'db-' } }), expect: refused('db', 'selectorLabels["app"]') },
  { kind: 'labels', construct: 'StatefulApp', input: 'no selector labels at all', build: app({ selectorLabels: {} }), expect: refused('db', 'selectorLabels') },
  { kind: 'labels', construct: 'StatefulApp', input: 'label key whose name part has 64 characters', build: app({ labels: { [LONG]: 'a' } }), expect: refused('db', 'labels key') },
  { kind: 'labels', construct: 'StatefulApp', input: 'label key with an upper-case prefix', build: app({ labels: { 'Example.com/team': 'a' } }), expect: refused('db', 'labels key') },
  { kind: 'labels', construct: 'StatefulApp', input: 'label key with a prefix of 254 characters', build: app({ labels: { [`${'a'.repeat(250)}.com/team`]: 'a' } }), expect: refused('db', 'labels key') },
  { kind: 'labels', construct: 'StatefulApp', input: 'label key with an empty prefix', build: app({ labels: { '/team': 'a' } }), expect: refused('db', 'labels key') },
  { kind: 'labels', construct: 'StatefulApp', input: 'label key with two slashes', build: app({ labels: { 'a.com/b/c': 'a' } }), expect: refused('db', 'labels key') },
  { kind: 'labels', construct: 'StatefulApp', input: 'empty label key', build: app({ labels: { '': 'a' } }), expect: refused('db', 'labels key') },
  { kind: 'labels', construct: 'StatefulApp', input: 'label value that is a number (untyped)', build: app({ labels: { tier: any(3) } }), expect: refused('db', 'labels["tier"]') },
  { kind: 'labels', construct: 'StatefulApp', input: 'label that changes a selector label', build: app({ labels: { 'app.kubernetes.io/name': 'other' } }), expect: refused('db', 'labels["app.kubernetes.io/name"]') },
  { kind: 'labels', construct: 'StatefulApp', input: 'empty label value', build: app({ labels: { tier: '' } }), expect: accepted('an empty label value is valid in Kubernetes (IsValidLabelValue)') },
  { kind: 'labels', construct: 'StatefulApp', input: 'annotation key with an upper-case prefix', build: app({ annotations: { 'Example.com/Owner': 'a' } }), expect: accepted('the API server checks annotation keys in lowercase (ValidateAnnotations)') },
  { kind: 'labels', construct: 'StatefulApp', input: 'annotation key with a space', build: app({ annotations: { 'owner team': 'a' } }), expect: refused('db', 'annotations key') },
  { kind: 'labels', construct: 'StatefulApp', input: 'pod annotation value that is a boolean (untyped)', build: app({ podAnnotations: { 'example.com/scrape': any(true) } }), expect: refused('db', 'podAnnotations["example.com/scrape"]') },
  { kind: 'labels', construct: 'StatefulApp', input: 'annotations above 256 KiB', build: app({ annotations: { big: 'x'.repeat(256 * 1024) } }), expect: refused('db', 'annotations') },
  { kind: 'labels', construct: 'StatefulApp', input: 'app and object annotations together above 256 KiB', build: app({ annotations: { a: 'x'.repeat(200 * 1024) }, objectMetadata: { statefulSet: { annotations: { b: 'x'.repeat(100 * 1024) } } } }), expect: refused('db', 'objectMetadata.statefulSet.annotations') },
  { kind: 'labels', construct: 'StatefulApp', input: 'object label key with a colon', build: app({ objectMetadata: { headlessService: { labels: { 'a:b': 'c' } } } }), expect: refused('db', 'objectMetadata.headlessService.labels key') },
  { kind: 'labels', construct: 'StatefulApp', input: 'StatefulSet selector label value with a slash', build: app({ statefulSetSelectorLabels: { rack: 'a/b' } }), expect: refused('db', 'statefulSetSelectorLabels["rack"]') },
  { kind: 'labels', construct: 'StatefulApp', input: 'node selector value with a space', build: app({ nodeSelector: { disk: 'fast ssd' } }), expect: refused('db', 'nodeSelector["disk"]') },
  { kind: 'labels', construct: 'StatefulApp', input: 'chart namespace in upper case', build: inChart({ namespace: 'Prod' }, app()), expect: refused('db', 'namespace', /comes from chart/) },
  { kind: 'labels', construct: 'StatefulApp', input: 'chart namespace of 64 characters', build: inChart({ namespace: 'n'.repeat(64) }, app()), expect: refused('db', 'namespace') },
  { kind: 'labels', construct: 'StatefulApp', input: 'chart label value with a space', build: inChart({ labels: { team: 'a b' } }, app()), expect: refused('db', 'labels of chart test["team"]') },
  { kind: 'labels', construct: 'ZooKeeperEnsemble', input: 'label value of 64 characters', build: zk({ labels: { team: LONG } }), expect: refused('zk', 'labels["team"]') },
  { kind: 'labels', construct: 'ZooKeeperEnsemble', input: 'chart namespace with an underscore', build: inChart({ namespace: 'my_ns' }, zk()), expect: refused('zk', 'namespace') },
  { kind: 'labels', construct: 'CassandraRing', input: 'selector label key with a space', build: cass({ selectorLabels: { 'my app': 'c' } }), expect: refused('cass', 'selectorLabels key') },
  { kind: 'labels', construct: 'CassandraRing', input: 'pod annotation key ending in "-"', build: cass({ podAnnotations: { 'example.com/x-': 'y' } }), expect: refused('cass', 'podAnnotations key') },
  { kind: 'labels', construct: 'StorageClass', input: 'label value with a space', build: sc({ labels: { tier: 'very fast' } }), expect: refused('fast', 'labels["tier"]') },
  { kind: 'labels', construct: 'StorageClass', input: 'annotation key with an empty name', build: sc({ annotations: { 'example.com/': 'x' } }), expect: refused('fast', 'annotations key') },
  { kind: 'labels', construct: 'HostPathVolumeSet', input: 'label key with a space', build: hostPath({ labels: { 'my label': 'x' } }), expect: refused('volumes', 'labels key') },
  { kind: 'labels', construct: 'NfsVolumeSet', input: 'annotation value that is a number (untyped)', build: nfs({ annotations: { 'example.com/n': any(1) } }), expect: refused('volumes', 'annotations["example.com/n"]') },

  // Names of objects and containers
  { kind: 'names', construct: 'StatefulApp', input: 'name in upper case', build: app({ name: 'DB' }), expect: refused('db', 'name') },
  { kind: 'names', construct: 'StatefulApp', input: 'name of 53 characters (pod labels get a revision hash)', build: app({ name: 'd'.repeat(53) }), expect: refused('db', 'name') },
  { kind: 'names', construct: 'StatefulApp', input: 'Service name starting with a digit', build: app({ serviceName: '1db' }), expect: refused('db', 'serviceName') },
  { kind: 'names', construct: 'StatefulApp', input: 'namespace with a dot', build: app({ namespace: 'team.prod' }), expect: refused('db', 'namespace') },
  { kind: 'names', construct: 'StatefulApp', input: 'cluster domain with a space', build: app({ clusterDomain: 'cluster local' }), expect: refused('db', 'clusterDomain') },
  { kind: 'names', construct: 'StatefulApp', input: 'ConfigMap name with an underscore', build: app({ configMapName: 'db_config' }), expect: refused('db', 'configMapName') },
  { kind: 'names', construct: 'StatefulApp', input: 'container name with an underscore', build: app({ containerName: 'pg_main' }), expect: refused('db', 'containerName') },
  { kind: 'names', construct: 'StatefulApp', input: 'claim name in upper case', build: app({ volumeClaims: [{ name: 'Data', size: Size.gibibytes(1), mountPath: '/data' }] }), expect: refused('db', 'volumeClaims[0].name') },
  { kind: 'names', construct: 'StatefulApp', input: 'budget name with a space', build: app({ disruptionBudget: DisruptionBudget.maxUnavailable(1, { name: 'db pdb' }) }), expect: refused('db', 'disruptionBudget.name') },
  { kind: 'names', construct: 'StatefulApp', input: 'client Service name equal to the headless Service', build: app({ clientService: { name: 'db' } }), expect: refused('db', 'clientService.name') },
  { kind: 'names', construct: 'StatefulApp', input: 'sidecar name already taken by the main container', build: app({ sidecars: [{ name: 'db', image: 'busybox:1.36' }] }), expect: refused('db', 'sidecars[0].name') },
  { kind: 'names', construct: 'StatefulApp', input: 'priority class name in upper case', build: app({ priorityClassName: 'High' }), expect: refused('db', 'priorityClassName') },
  { kind: 'names', construct: 'ZooKeeperEnsemble', input: 'name with an underscore', build: zk({ name: 'zk_1' }), expect: refused('zk', 'name') },
  { kind: 'names', construct: 'CassandraRing', input: 'data claim name in upper case', build: cass({ dataClaimName: 'Data' }), expect: refused('cass', 'dataClaimName') },
  { kind: 'names', construct: 'CassandraRing', input: 'rack name with an underscore', build: cass({ racks: [{ name: 'rack_a', zone: 'z1' }] }), expect: refused('cass', 'racks[0].name') },
  { kind: 'names', construct: 'StorageClass', input: 'name in upper case', build: sc({ name: 'Fast' }), expect: refused('fast', 'name') },
  { kind: 'names', construct: 'StorageClass', input: 'provisioner with a space', build: sc({ provisioner: 'ebs csi' }), expect: refused('fast', 'provisioner') },
  { kind: 'names', construct: 'StorageClass', input: 'provisioner with two slashes', build: sc({ provisioner: 'a.io/b/c' }), expect: refused('fast', 'provisioner') },
  { kind: 'names', construct: 'StorageClass', input: 'provisioner with an upper-case prefix', build: sc({ provisioner: 'Example.com/nfs' }), expect: accepted('the API server checks the provisioner name in lowercase (validateProvisioner)') },
  { kind: 'names', construct: 'HostPathVolumeSet', input: 'volume name in upper case', build: hostPath({ volumeNames: ['PV-0', 'pv-1'] }), expect: refused('volumes', 'volumeNames[0]') },
  { kind: 'names', construct: 'NfsVolumeSet', input: 'NFS server with an underscore', build: nfs({ server: 'nfs_server' }), expect: refused('volumes', 'server') },
  { kind: 'names', construct: 'NfsVolumeSet', input: 'NFS server with the export path', build: nfs({ server: '10.0.0.2:/exports' }), expect: refused('volumes', 'server') },
  { kind: 'names', construct: 'NfsVolumeSet', input: 'NFS server with a space', build: nfs({ server: 'nfs server' }), expect: refused('volumes', 'server') },
  { kind: 'names', construct: 'NfsVolumeSet', input: 'NFS server as an IPv6 address', build: nfs({ server: 'fd00::2' }), expect: accepted('an IPv6 address names a server') },

  // Image references (docker reference grammar, which the kubelet applies)
  { kind: 'images', construct: 'StatefulApp', input: 'image with a space', build: app({}, { image: 'postgres 16' }), expect: refused('db', 'container.image', /whitespace/) },
  { kind: 'images', construct: 'StatefulApp', input: 'image with a trailing newline', build: app({}, { image: 'postgres:16\n' }), expect: refused('db', 'container.image', /whitespace/) },
  { kind: 'images', construct: 'StatefulApp', input: 'image with a leading space', build: app({}, { image: ' postgres:16' }), expect: refused('db', 'container.image') },
  { kind: 'images', construct: 'StatefulApp', input: 'image with a tab', build: app({}, { image: 'postgres:\t16' }), expect: refused('db', 'container.image') },
  { kind: 'images', construct: 'StatefulApp', input: 'upper-case repository', build: app({}, { image: 'Postgres:16' }), expect: refused('db', 'container.image', /lowercase/) },
  { kind: 'images', construct: 'StatefulApp', input: 'upper-case repository after a registry', build: app({}, { image: 'registry.example.com/Team/app:1' }), expect: refused('db', 'container.image', /lowercase/) },
  { kind: 'images', construct: 'StatefulApp', input: 'empty image', build: app({}, { image: '' }), expect: refused('db', 'container.image') },
  { kind: 'images', construct: 'StatefulApp', input: 'empty tag', build: app({}, { image: 'postgres:' }), expect: refused('db', 'container.image') },
  { kind: 'images', construct: 'StatefulApp', input: 'two colons', build: app({}, { image: 'postgres::16' }), expect: refused('db', 'container.image') },
  { kind: 'images', construct: 'StatefulApp', input: 'a URL scheme', build: app({}, { image: 'https://registry.example.com/app:1' }), expect: refused('db', 'container.image') },
  { kind: 'images', construct: 'StatefulApp', input: 'a digest of the wrong length', build: app({}, { image: 'postgres@sha256:abc123' }), expect: refused('db', 'container.image') },
  { kind: 'images', construct: 'StatefulApp', input: 'a sha256 digest of 40 hex digits', build: app({}, { image: `postgres@sha256:${'a'.repeat(40)}` }), expect: refused('db', 'container.image', /digest/) },
  { kind: 'images', construct: 'StatefulApp', input: 'a tag of 129 characters', build: app({}, { image: `postgres:${'1'.repeat(129)}` }), expect: refused('db', 'container.image') },
  { kind: 'images', construct: 'StatefulApp', input: 'image that is a number (untyped)', build: app({}, { image: any(16) }), expect: refused('db', 'container.image') },
  { kind: 'images', construct: 'StatefulApp', input: 'registry with a port, a tag and a digest', build: app({}, { image: `registry.example.com:5000/team/pg:16.4@sha256:${'0'.repeat(64)}` }), expect: accepted('a full reference of the grammar') },
  { kind: 'images', construct: 'StatefulApp', input: 'upper-case registry host', build: app({}, { image: 'Registry.Example.com/pg:16' }), expect: accepted('host names are case-insensitive; the grammar allows upper case in the domain') },
  { kind: 'images', construct: 'StatefulApp', input: 'upper-case tag', build: app({}, { image: 'postgres:16-Alpine' }), expect: accepted('tags may hold upper-case letters') },
  { kind: 'images', construct: 'StatefulApp', input: 'sidecar image with a space', build: app({ sidecars: [{ name: 'exporter', image: 'pg exporter:1' }] }), expect: refused('db', 'sidecars[0].image') },
  { kind: 'images', construct: 'StatefulApp', input: 'init container image in upper case', build: app({ initContainers: [{ name: 'init', image: 'BusyBox:1.36' }] }), expect: refused('db', 'initContainers[0].image') },
  { kind: 'images', construct: 'ZooKeeperEnsemble', input: 'officialFrom with an upper-case repository', build: zk({ image: ZooKeeperImage.officialFrom('registry.example.com/ZooKeeper:3.9.3') }), expect: refused('zk', 'image') },
  { kind: 'images', construct: 'ZooKeeperEnsemble', input: 'official tag with a space', build: zk({ image: ZooKeeperImage.official('3.9 .3') }), expect: refused('zk', 'image') },
  { kind: 'images', construct: 'CassandraRing', input: 'image with a trailing newline', build: cass({ image: 'cassandra:4.1\n' }), expect: refused('cass', 'image') },
  { kind: 'images', construct: 'CassandraRing', input: 'upper-case repository', build: cass({ image: 'Cassandra:4.1' }), expect: refused('cass', 'image') },
  {
    kind: 'images',
    construct: 'HostPathVolumeSet',
    input: 'ownership init container with a bad image',
    build: chart => {
      const a = staticApp(chart, { initContainers: [StaticVolumeSet.ownershipInitContainer({ claim: 'data', user: 999, image: 'busy box' })] });
      new HostPathVolumeSet(chart, 'volumes', { app: a, claim: 'data', paths: VolumePaths.under('/srv') });
    },
    expect: refused('redis', 'initContainers[0].image'),
  },

  // Resources, on every container
  { kind: 'resources', construct: 'StatefulApp', input: 'cpu request above its limit', build: app({ resources: { cpu: { request: kplus.Cpu.units(2), limit: kplus.Cpu.units(1) } } }), expect: refused('db', 'resources.cpu.request') },
  { kind: 'resources', construct: 'StatefulApp', input: 'memory request above its limit', build: app({ resources: { memory: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } }), expect: refused('db', 'resources.memory.request') },
  { kind: 'resources', construct: 'StatefulApp', input: 'memory request above the default limit', build: app({ resources: { memory: { request: Size.gibibytes(1) } } }), expect: refused('db', 'resources.memory.request') },
  { kind: 'resources', construct: 'StatefulApp', input: 'ephemeral storage request above its limit', build: app({ resources: { ephemeralStorage: { request: Size.gibibytes(2), limit: Size.gibibytes(1) } } }), expect: refused('db', 'resources.ephemeralStorage.request') },
  { kind: 'resources', construct: 'StatefulApp', input: 'sidecar cpu request above its limit', build: app({ sidecars: [{ name: 'exporter', image: 'exporter:1', resources: { cpu: { request: kplus.Cpu.millis(600), limit: kplus.Cpu.millis(500) } } }] }), expect: refused('db', 'sidecars[0].resources.cpu.request') },
  { kind: 'resources', construct: 'StatefulApp', input: 'init container memory request above its limit', build: app({ initContainers: [{ name: 'init', image: 'busybox:1.36', resources: { memory: { request: Size.mebibytes(600) } } }] }), expect: refused('db', 'initContainers[0].resources.memory.request') },
  { kind: 'resources', construct: 'StatefulApp', input: 'negative cpu', build: app({ resources: { cpu: { request: kplus.Cpu.units(-1) } } }), expect: refused('db', 'resources.cpu.request') },
  { kind: 'resources', construct: 'StatefulApp', input: 'cpu of NaN', build: app({ resources: { cpu: { limit: kplus.Cpu.millis(NaN) } } }), expect: refused('db', 'resources.cpu.limit', /NaNm/) },
  { kind: 'resources', construct: 'StatefulApp', input: 'a fraction of a millicore', build: app({ resources: { cpu: { request: kplus.Cpu.millis(0.5) } } }), expect: refused('db', 'resources.cpu.request', /whole number of millicores/) },
  { kind: 'resources', construct: 'StatefulApp', input: 'cpu limit 0', build: app({ resources: { cpu: { request: kplus.Cpu.units(0), limit: kplus.Cpu.units(0) } } }), expect: refused('db', 'resources.cpu.limit') },
  { kind: 'resources', construct: 'StatefulApp', input: 'memory limit 0', build: app({ resources: { memory: { request: Size.mebibytes(0), limit: Size.mebibytes(0) } } }), expect: refused('db', 'resources.memory.limit') },
  { kind: 'resources', construct: 'StatefulApp', input: 'memory as a string (untyped)', build: app({ resources: { memory: { limit: any('1Gi') } } }), expect: refused('db', 'resources.memory.limit') },
  { kind: 'resources', construct: 'StatefulApp', input: 'cpu as a string (untyped)', build: app({ resources: { cpu: { limit: any('1') } } }), expect: refused('db', 'resources.cpu.limit') },
  { kind: 'resources', construct: 'StatefulApp', input: 'memory of NaN', build: app({ resources: { memory: { limit: Size.mebibytes(NaN) } } }), expect: refused('db', 'resources.memory.limit') },
  { kind: 'resources', construct: 'StatefulApp', input: 'cpu request 0', build: app({ resources: { cpu: { request: kplus.Cpu.millis(0) } } }), expect: accepted('a request of 0 is valid: the container gets whatever cpu is left') },
  { kind: 'resources', construct: 'ZooKeeperEnsemble', input: 'cpu request above its limit', build: zk({ resources: { cpu: { request: kplus.Cpu.units(2) } } }), expect: refused('zk', 'resources.cpu.request') },
  { kind: 'resources', construct: 'ZooKeeperEnsemble', input: 'heap at the memory limit', build: zk({ heapSize: Size.gibibytes(1) }), expect: refused('zk', 'heapSize') },
  { kind: 'resources', construct: 'CassandraRing', input: 'memory request above its limit', build: cass({ resources: { memory: { request: Size.gibibytes(2) } } }), expect: refused('cass', 'resources.memory.request') },
  { kind: 'resources', construct: 'CassandraRing', input: 'heap that is a string (untyped)', build: cass({ heapSize: any('512M') }), expect: refused('cass', 'heapSize') },

  // Security contexts
  { kind: 'security', construct: 'StatefulApp', input: 'negative container user', build: app({ containerSecurity: { user: -1 } }), expect: refused('db', 'containerSecurity.user') },
  { kind: 'security', construct: 'StatefulApp', input: 'negative container group', build: app({ containerSecurity: { group: -5 } }), expect: refused('db', 'containerSecurity.group') },
  { kind: 'security', construct: 'StatefulApp', input: 'user id that is not whole', build: app({ containerSecurity: { user: 1000.5 } }), expect: refused('db', 'containerSecurity.user') },
  { kind: 'security', construct: 'StatefulApp', input: 'user id above 2147483647', build: app({ containerSecurity: { user: 2 ** 31 } }), expect: refused('db', 'containerSecurity.user') },
  { kind: 'security', construct: 'StatefulApp', input: 'negative pod user', build: app({ podSecurity: { user: -1 } }), expect: refused('db', 'podSecurity.user') },
  { kind: 'security', construct: 'StatefulApp', input: 'negative pod group', build: app({ podSecurity: { group: -1 } }), expect: refused('db', 'podSecurity.group') },
  { kind: 'security', construct: 'StatefulApp', input: 'negative fsGroup', build: app({ podSecurity: { fsGroup: -999 } }), expect: refused('db', 'podSecurity.fsGroup') },
  { kind: 'security', construct: 'StatefulApp', input: 'container user 0 with non-root required', build: app({ containerSecurity: { user: 0 } }), expect: refused('db', 'containerSecurity.user', /ensureNonRoot: false/) },
  { kind: 'security', construct: 'StatefulApp', input: 'pod user 0 with non-root required', build: app({ podSecurity: { user: 0 } }), expect: refused('db', 'podSecurity.user', /ensureNonRoot: false/) },
  { kind: 'security', construct: 'StatefulApp', input: 'sidecar user 0 with non-root required', build: app({ sidecars: [{ name: 'exporter', image: 'exporter:1', containerSecurity: { user: 0 } }] }), expect: refused('db', 'sidecars[0].containerSecurity.user') },
  { kind: 'security', construct: 'StatefulApp', input: 'user 0 with the documented opt-in ensureNonRoot: false', build: app({ containerSecurity: { user: 0, ensureNonRoot: false } }), expect: accepted('ensureNonRoot: false is the explicit opt-in for an image that must run as root') },
  { kind: 'security', construct: 'StatefulApp', input: 'privileged with privilege escalation off (the default)', build: app({ containerSecurity: { privileged: true } }), expect: refused('db', 'containerSecurity.privileged', /allowPrivilegeEscalation/) },
  { kind: 'security', construct: 'StatefulApp', input: 'privileged with privilege escalation off, explicitly', build: app({ containerSecurity: { privileged: true, allowPrivilegeEscalation: false } }), expect: refused('db', 'containerSecurity.privileged') },
  { kind: 'security', construct: 'StatefulApp', input: 'sidecar privileged without privilege escalation', build: app({ sidecars: [{ name: 'tuner', image: 'busybox:1.36', containerSecurity: { privileged: true } }] }), expect: refused('db', 'sidecars[0].containerSecurity.privileged') },
  { kind: 'security', construct: 'StatefulApp', input: 'privileged with privilege escalation on', build: app({ containerSecurity: { privileged: true, allowPrivilegeEscalation: true } }), expect: accepted('privileged: true is itself the explicit opt-in, and the API server accepts it with escalation on') },
  { kind: 'security', construct: 'StatefulApp', input: 'a capability that does not exist (untyped)', build: app({ containerSecurity: { addCapabilities: [any('CAP_SYS_ADMIN')] } }), expect: refused('db', 'containerSecurity.addCapabilities[0]') },
  { kind: 'security', construct: 'StatefulApp', input: 'sysctl name with a space', build: app({ podSecurity: { sysctls: [{ name: 'net.core somaxconn', value: '1024' }] } }), expect: refused('db', 'podSecurity.sysctls[0].name') },
  { kind: 'security', construct: 'StatefulApp', input: 'sysctl set twice', build: app({ podSecurity: { sysctls: [{ name: 'net.core.somaxconn', value: '1' }, { name: 'net.core.somaxconn', value: '2' }] } }), expect: refused('db', 'podSecurity.sysctls') },
  { kind: 'security', construct: 'StatefulApp', input: 'fsGroupChangePolicy that does not exist (untyped)', build: app({ podSecurity: { fsGroupChangePolicy: any('Sometimes') } }), expect: refused('db', 'podSecurity.fsGroupChangePolicy') },
  { kind: 'security', construct: 'ZooKeeperEnsemble', input: 'negative pod user', build: zk({ podSecurity: { user: -1000 } }), expect: refused('zk', 'podSecurity.user') },
  { kind: 'security', construct: 'ZooKeeperEnsemble', input: 'user 0 with non-root required', build: zk({ podSecurity: { user: 0 } }), expect: refused('zk', 'podSecurity.user') },
  { kind: 'security', construct: 'CassandraRing', input: 'privileged without privilege escalation', build: cass({ containerSecurity: { privileged: true } }), expect: refused('cass', 'containerSecurity.privileged') },
  { kind: 'security', construct: 'CassandraRing', input: 'negative fsGroup', build: cass({ podSecurity: { fsGroup: -1 } }), expect: refused('cass', 'podSecurity.fsGroup') },
  {
    kind: 'security',
    construct: 'HostPathVolumeSet',
    input: 'ownership init container for a negative user',
    build: chart => {
      const a = staticApp(chart, { initContainers: [StaticVolumeSet.ownershipInitContainer({ claim: 'data', user: -1 })] });
      new HostPathVolumeSet(chart, 'volumes', { app: a, claim: 'data', paths: VolumePaths.under('/srv') });
    },
    expect: { refused: /^StaticVolumeSet\.ownershipInitContainer\(\): invalid user -1: / },
  },

  // Volumes and mounts
  { kind: 'volumes', construct: 'StatefulApp', input: 'absolute subPath of a claim mount', build: app({}, { claimMounts: [{ claim: 'data', path: '/backup', subPath: '/etc' }] }), expect: refused('db', 'container.claimMounts[0].subPath') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'subPath with ".."', build: app({}, { claimMounts: [{ claim: 'data', path: '/backup', subPath: 'a/../../b' }] }), expect: refused('db', 'container.claimMounts[0].subPath') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'sidecar subPath that is ".."', build: app({ sidecars: [{ name: 'backup', image: 'busybox:1.36', claimMounts: [{ claim: 'data', path: '/backup', subPath: '..' }] }] }), expect: refused('db', 'sidecars[0].claimMounts[0].subPath') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'mountVolume with an absolute subPath', build: appThen({}, a => a.mountVolume('data', '/backup', { subPath: '/var' })), expect: refused('db', 'subPath') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'relative mount path', build: app({ volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: 'data' }] }), expect: refused('db', 'volumeClaims[0].mountPath') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'relative writable directory', build: app({}, { writableDirectories: ['tmp'] }), expect: refused('db', 'container.writableDirectories[0]') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'mount path with ".."', build: app({}, { claimMounts: [{ claim: 'data', path: '/x/../etc' }] }), expect: refused('db', 'container.claimMounts[0].path') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'a claim and a writable directory on one path', build: app({}, { writableDirectories: ['/var/lib/postgresql/data'] }), expect: refused('db', 'container.writableDirectories[0]', /volumeClaims\[0\]\.mountPath/) },
  { kind: 'volumes', construct: 'StatefulApp', input: 'two writable directories on one path', build: app({}, { writableDirectories: ['/tmp', '/tmp/'] }), expect: refused('db', 'container.writableDirectories[1]', /container\.writableDirectories\[0\]/) },
  { kind: 'volumes', construct: 'StatefulApp', input: 'a ConfigMap mount on a claim path', build: app({}, { configMapMounts: [{ configMap: 'conf', path: '/var/lib/postgresql/data' }] }), expect: refused('db', 'container.configMapMounts[0].path', /volumeClaims\[0\]\.mountPath/) },
  { kind: 'volumes', construct: 'StatefulApp', input: 'a claim mounted nowhere', build: app({ volumeClaims: [{ name: 'data', size: Size.gibibytes(1) }] }), expect: refused('db', 'volumeClaims') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'claim of size 0', build: app({ volumeClaims: [{ name: 'data', size: Size.gibibytes(0), mountPath: '/data' }] }), expect: refused('db', 'volumeClaims[0].size') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'claim size as a string (untyped)', build: app({ volumeClaims: [{ name: 'data', size: any('10Gi'), mountPath: '/data' }] }), expect: refused('db', 'volumeClaims[0].size') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'access mode that does not exist (untyped)', build: app({ volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data', accessModes: [any('ReadWriteSometimes')] }] }), expect: refused('db', 'volumeClaims[0].accessModes[0]') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'two claims of one name', build: app({ volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/a' }, { name: 'data', size: Size.gibibytes(1), mountPath: '/b' }] }), expect: refused('db', 'volumeClaims') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'emptyDir with a size limit of 0', build: appThen({}, a => a.addVolume(PodVolume.emptyDir('scratch', { sizeLimit: Size.mebibytes(0) }))), expect: refused('db', 'volume scratch sizeLimit') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'volume name in upper case', build: appThen({}, a => a.addVolume(PodVolume.emptyDir('Scratch'))), expect: refused('db', 'volume name') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'a plain object as a volume (untyped)', build: appThen({}, a => a.addVolume(any({ name: 'x', kind: 'EmptyDir' }))), expect: refused('db', 'volume') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'config file named ".."', build: appThen({}, a => a.addConfigFile('/conf/..', 'x')), expect: refused('db', 'config file') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'config files above 1 MiB', build: appThen({}, a => a.addConfigFile('/conf/big.txt', 'x'.repeat(1024 * 1024 + 1))), expect: refused('db', 'config files') },
  { kind: 'volumes', construct: 'StatefulApp', input: 'working directory that is relative', build: app({}, { workingDir: 'app' }), expect: refused('db', 'container.workingDir') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /etc', build: hostPath({ paths: VolumePaths.of(['/etc', '/srv/b']) }), expect: refused('volumes', 'paths[0]', /allowSensitiveHostPaths/) },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /proc', build: hostPath({ paths: VolumePaths.of(['/proc/1', '/srv/b']) }), expect: refused('volumes', 'paths[0]') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /sys', build: hostPath({ paths: VolumePaths.under('/sys') }), expect: refused('volumes', 'paths.basePath') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /dev', build: hostPath({ paths: VolumePaths.of(['/srv/a', '/dev/sdb']) }), expect: refused('volumes', 'paths[1]') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path under /var/lib/kubelet', build: hostPath({ paths: VolumePaths.under('/var/lib/kubelet/data') }), expect: refused('volumes', 'paths.basePath') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /var/lib/docker', build: hostPath({ paths: VolumePaths.under('/var/lib/docker') }), expect: refused('volumes', 'paths.basePath') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /var/lib/containerd', build: hostPath({ paths: VolumePaths.under('/var/lib/containerd') }), expect: refused('volumes', 'paths.basePath') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /run/containerd', build: hostPath({ paths: VolumePaths.of(['/run/containerd', '/srv/b']) }), expect: refused('volumes', 'paths[0]') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /var/run/docker.sock', build: hostPath({ paths: VolumePaths.of(['/var/run/docker.sock', '/srv/b']) }), expect: refused('volumes', 'paths[0]') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /run/crio', build: hostPath({ paths: VolumePaths.of(['/srv/a', '/run/crio']) }), expect: refused('volumes', 'paths[1]') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /var (holds the kubelet\'s directory)', build: hostPath({ paths: VolumePaths.of(['/var', '/srv/b']) }), expect: refused('volumes', 'paths[0]', /holds/) },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'path /etc written as //etc/.', build: hostPath({ paths: VolumePaths.of(['//etc/.', '/srv/b']) }), expect: refused('volumes', 'paths[0]') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'the node\'s root directory', build: hostPath({ paths: VolumePaths.of(['/', '/srv/b']) }), expect: refused('volumes', 'paths[0]') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'a sensitive path with the documented opt-in', build: hostPath({ paths: VolumePaths.under('/var/log/app'), allowSensitiveHostPaths: true }), expect: accepted('allowSensitiveHostPaths is the explicit, documented opt-in for a workload that manages the node') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'a path that only starts like /etc', build: hostPath({ paths: VolumePaths.under('/etcd-data') }), expect: accepted('/etcd-data is not inside /etc: paths are compared by segment') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'relative path', build: hostPath({ paths: VolumePaths.of(['srv/a', '/srv/b']) }), expect: refused('volumes', 'paths[0]') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'two volumes in one directory', build: hostPath({ paths: VolumePaths.of(['/srv/a', '/srv/a/']) }), expect: refused('volumes', 'paths') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'capacity below the claim', build: hostPath({ capacity: Size.mebibytes(512) }), expect: refused('volumes', 'capacity') },
  { kind: 'volumes', construct: 'HostPathVolumeSet', input: 'type that does not exist (untyped)', build: hostPath({ type: any('Folder') }), expect: refused('volumes', 'type') },
  { kind: 'volumes', construct: 'NfsVolumeSet', input: 'relative export path', build: nfs({ paths: VolumePaths.of(['exports/a', '/exports/b']) }), expect: refused('volumes', 'paths[0]') },
  { kind: 'volumes', construct: 'NfsVolumeSet', input: 'mount option with a comma', build: nfs({ mountOptions: ['nfsvers=4.1,hard'] }), expect: refused('volumes', 'mountOptions[0]') },
  { kind: 'volumes', construct: 'NfsVolumeSet', input: 'reclaim policy Recycle (untyped)', build: nfs({ reclaimPolicy: any('Recycle') }), expect: refused('volumes', 'reclaimPolicy', /rm -rf/) },
  { kind: 'volumes', construct: 'StorageClass', input: 'reclaim policy Recycle (untyped)', build: sc({ reclaimPolicy: any('Recycle') }), expect: refused('fast', 'reclaimPolicy') },
  { kind: 'volumes', construct: 'StorageClass', input: 'mount option with a space', build: sc({ mountOptions: ['nfsvers 4.1'] }), expect: refused('fast', 'mountOptions[0]') },
  { kind: 'volumes', construct: 'StorageClass', input: 'binding mode that does not exist (untyped)', build: sc({ volumeBindingMode: any('Later') }), expect: refused('fast', 'volumeBindingMode') },
  { kind: 'volumes', construct: 'StorageClass', input: 'parameter with an empty key', build: sc({ parameters: { '': 'x' } }), expect: refused('fast', 'parameters key') },
  { kind: 'volumes', construct: 'StorageClass', input: 'parameter value that is a number (untyped)', build: sc({ parameters: { iops: any(3000) } }), expect: refused('fast', 'parameters["iops"]') },
  { kind: 'volumes', construct: 'ZooKeeperEnsemble', input: 'storage size of 0', build: zk({ storageSize: Size.gibibytes(0) }), expect: refused('zk', 'storageSize') },
  { kind: 'volumes', construct: 'CassandraRing', input: 'relative data directory', build: cass({ dataDirectory: 'var/lib/cassandra' }), expect: refused('cass', 'dataDirectory') },
  { kind: 'volumes', construct: 'CassandraRing', input: 'storage size as a number (untyped)', build: cass({ storageSize: any(10) }), expect: refused('cass', 'storageSize') },

  // References: accounts, Secrets, ConfigMaps, env, field paths, probes and ports
  { kind: 'references', construct: 'StatefulApp', input: 'service account name with an underscore', build: app({ serviceAccountName: 'db_sa' }), expect: refused('db', 'serviceAccountName') },
  { kind: 'references', construct: 'StatefulApp', input: 'ConfigMap mount of a ConfigMap named in upper case', build: app({}, { configMapMounts: [{ configMap: 'Conf', path: '/conf' }] }), expect: refused('db', 'container.configMapMounts[0].configMap') },
  { kind: 'references', construct: 'StatefulApp', input: 'Secret volume named with a space', build: appThen({}, a => a.addVolume(PodVolume.fromSecret('creds', 'db creds'))), expect: refused('db', 'volume creds source name') },
  {
    kind: 'references',
    construct: 'StatefulApp',
    input: 'env from a Secret named in upper case',
    build: chart => {
      const secret = kplus.Secret.fromSecretName(chart, 'S', 'DbCreds');
      new StatefulApp(chart, 'db', { ...PG, container: { ...PG.container, env: [{ name: 'PASSWORD', value: kplus.EnvValue.fromSecretValue({ secret, key: 'password' }) }] } });
    },
    expect: refused('db', 'container.env[0].value Secret name'),
  },
  {
    kind: 'references',
    construct: 'StatefulApp',
    input: 'env from a Secret key with a slash',
    build: chart => {
      const secret = kplus.Secret.fromSecretName(chart, 'S', 'db-creds');
      new StatefulApp(chart, 'db', { ...PG, container: { ...PG.container, env: [{ name: 'PASSWORD', value: kplus.EnvValue.fromSecretValue({ secret, key: 'a/b' }) }] } });
    },
    expect: refused('db', 'container.env[0].value Secret key'),
  },
  {
    kind: 'references',
    construct: 'StatefulApp',
    input: 'env from a ConfigMap key ".."',
    build: chart => {
      const cm = kplus.ConfigMap.fromConfigMapName(chart, 'C', 'db-conf');
      new StatefulApp(chart, 'db', { ...PG, container: { ...PG.container, env: [{ name: 'MODE', value: kplus.EnvValue.fromConfigMap(cm, '..') }] } });
    },
    expect: refused('db', 'container.env[0].value ConfigMap key'),
  },
  { kind: 'references', construct: 'StatefulApp', input: 'env from metadata.generation (not offered to env)', build: app({}, { env: [{ name: 'GEN', value: kplus.EnvValue.fromFieldRef(any('metadata.generation')) }] }), expect: refused('db', 'container.env[0].value field path') },
  { kind: 'references', construct: 'StatefulApp', input: 'env from a field path the API does not offer', build: app({}, { env: [{ name: 'PHASE', value: kplus.EnvValue.fromFieldRef(any('status.phase')) }] }), expect: refused('db', 'container.env[0].value field path') },
  { kind: 'references', construct: 'StatefulApp', input: 'env from a label with a key that is not a label key', build: app({}, { env: [{ name: 'APP', value: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_LABEL, { key: 'my app' }) }] }), expect: refused('db', 'container.env[0].value field path') },
  { kind: 'references', construct: 'StatefulApp', input: 'env from a field in apiVersion v2', build: app({}, { env: [{ name: 'POD', value: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME, { apiVersion: 'v2' }) }] }), expect: refused('db', 'container.env[0].value field apiVersion') },
  { kind: 'references', construct: 'StatefulApp', input: 'env from status.hostIPs', build: app({}, { env: [{ name: 'HOST_IPS', value: kplus.EnvValue.fromFieldRef(any('status.hostIPs')) }] }), expect: accepted('status.hostIPs is one of the field paths an environment variable may read') },
  { kind: 'references', construct: 'StatefulApp', input: 'env from a resource with an unsupported divisor', build: app({}, { env: [{ name: 'MEM', value: kplus.EnvValue.fromResource(kplus.ResourceFieldPaths.MEMORY_LIMIT, { divisor: '2Mi' }) }] }), expect: refused('db', 'container.env[0].value divisor') },
  { kind: 'references', construct: 'StatefulApp', input: 'env name starting with a digit', build: app({}, { env: [{ name: '1VAR', value: kplus.EnvValue.fromValue('x') }] }), expect: refused('db', 'container.env[0].name') },
  { kind: 'references', construct: 'StatefulApp', input: 'env name with "="', build: app({}, { env: [{ name: 'A=B', value: kplus.EnvValue.fromValue('x') }] }), expect: refused('db', 'container.env[0].name') },
  { kind: 'references', construct: 'StatefulApp', input: 'env value that is a number (untyped)', build: app({}, { env: [{ name: 'PORT', value: kplus.EnvValue.fromValue(any(5432)) }] }), expect: refused('db', 'container.env[0].value') },
  { kind: 'references', construct: 'StatefulApp', input: 'env value that is a plain string (untyped)', build: app({}, { env: [{ name: 'PORT', value: any('5432') }] }), expect: refused('db', 'container.env[0].value') },
  { kind: 'references', construct: 'StatefulApp', input: 'addEnv with a name with a space', build: appThen({}, a => a.addEnv('MY VAR', kplus.EnvValue.fromValue('x'))), expect: refused('db', 'env name') },
  { kind: 'references', construct: 'StatefulApp', input: 'env names with "-" and "."', build: app({}, { env: [{ name: 'my-var.x', value: kplus.EnvValue.fromValue('x') }] }), expect: accepted('IsEnvVarName allows "-" and "."') },
  { kind: 'references', construct: 'StatefulApp', input: 'exec probe without a command', build: app({}, { readiness: ContainerProbe.exec([]) }), expect: refused('db', 'container.readiness.command') },
  { kind: 'references', construct: 'StatefulApp', input: 'exec probe whose program is empty', build: app({}, { liveness: ContainerProbe.exec(['']) }), expect: refused('db', 'container.liveness.command') },
  { kind: 'references', construct: 'StatefulApp', input: 'preStop hook without a command', build: app({}, { preStop: LifecycleHook.exec([]) }), expect: refused('db', 'container.preStop.command') },
  { kind: 'references', construct: 'StatefulApp', input: 'TCP probe on an undeclared port', build: app({}, { readiness: ContainerProbe.tcp(5433) }), expect: refused('db', 'container.readiness.port', /allowUndeclaredPorts/) },
  { kind: 'references', construct: 'StatefulApp', input: 'HTTP liveness probe on an undeclared port', build: app({}, { liveness: ContainerProbe.httpGet('/health', 8080) }), expect: refused('db', 'container.liveness.port') },
  { kind: 'references', construct: 'StatefulApp', input: 'startup probe on an undeclared port', build: app({}, { startup: ContainerProbe.tcp(1) }), expect: refused('db', 'container.startup.port') },
  { kind: 'references', construct: 'StatefulApp', input: 'HTTP preStop hook on an undeclared port', build: app({}, { preStop: LifecycleHook.httpGet('/drain', 9000) }), expect: refused('db', 'container.preStop.port') },
  { kind: 'references', construct: 'StatefulApp', input: 'sidecar probe on a port only the main container declares', build: app({ sidecars: [{ name: 'exporter', image: 'exporter:1', readiness: ContainerProbe.tcp(5432) }] }), expect: refused('db', 'sidecars[0].readiness.port') },
  { kind: 'references', construct: 'StatefulApp', input: 'probe on an undeclared port with the opt-in', build: app({ allowUndeclaredPorts: true }, { readiness: ContainerProbe.tcp(5433) }), expect: accepted('allowUndeclaredPorts is the explicit, documented opt-in') },
  { kind: 'references', construct: 'StatefulApp', input: 'probe port 0', build: app({}, { readiness: ContainerProbe.tcp(0) }), expect: refused('db', 'container.readiness.port') },
  { kind: 'references', construct: 'StatefulApp', input: 'probe port 70000', build: app({}, { readiness: ContainerProbe.tcp(70000) }), expect: refused('db', 'container.readiness.port') },
  { kind: 'references', construct: 'StatefulApp', input: 'HTTP probe path without a leading slash', build: app({}, { readiness: ContainerProbe.httpGet('health', 5432) }), expect: refused('db', 'container.readiness.path') },
  { kind: 'references', construct: 'StatefulApp', input: 'a plain object as a probe (untyped)', build: app({}, { readiness: any({ action: 'TcpSocket', port: 5432, options: {} }) }), expect: refused('db', 'container.readiness') },
  { kind: 'references', construct: 'StatefulApp', input: 'readiness probe on an init container', build: app({ initContainers: [{ name: 'init', image: 'busybox:1.36', readiness: ContainerProbe.exec(['true']) }] }), expect: refused('db', 'initContainers[0].readiness') },
  { kind: 'references', construct: 'StatefulApp', input: 'preStop hook on an init container', build: app({ initContainers: [{ name: 'init', image: 'busybox:1.36', preStop: LifecycleHook.exec(['true']) }] }), expect: refused('db', 'initContainers[0].preStop') },
  { kind: 'references', construct: 'StatefulApp', input: 'Service port on an undeclared container port', build: app({ servicePorts: [{ name: 'pg', port: 5433 }] }), expect: refused('db', 'servicePorts[0].port', /allowUndeclaredPorts/) },
  { kind: 'references', construct: 'StatefulApp', input: 'Service target port undeclared', build: app({ servicePorts: [{ name: 'pg', port: 5432, targetPort: 15432 }] }), expect: refused('db', 'servicePorts[0].targetPort') },
  { kind: 'references', construct: 'StatefulApp', input: 'client Service port undeclared', build: app({ clientService: { ports: [{ name: 'pg', port: 6432 }] } }), expect: refused('db', 'clientService.ports[0].port') },
  { kind: 'references', construct: 'StatefulApp', input: 'Service target port declared by a sidecar added later', build: appThen({ servicePorts: [{ name: 'pg', port: 5432 }, { name: 'metrics', port: 9187 }] }, a => a.addSidecar({ name: 'exporter', image: 'exporter:1', ports: [{ number: 9187, name: 'metrics' }] })), expect: accepted('a sidecar may declare the port after construction; the check runs at synthesis') },
  { kind: 'references', construct: 'StatefulApp', input: 'Service port name in upper case', build: app({ servicePorts: [{ name: 'PG', port: 5432 }] }), expect: refused('db', 'servicePorts[0].name') },
  { kind: 'references', construct: 'StatefulApp', input: 'Service port name of 20 characters', build: app({ allowUndeclaredPorts: true, servicePorts: [{ name: 'postgres-replication', port: 5432 }] }), expect: accepted('Service port names are DNS labels (up to 63 characters); only container port names are limited to 15') },
  { kind: 'references', construct: 'StatefulApp', input: 'node port on the headless Service', build: app({ servicePorts: [{ name: 'pg', port: 5432, nodePort: 30432 }] }), expect: refused('db', 'servicePorts[0].nodePort') },
  { kind: 'references', construct: 'StatefulApp', input: 'node port on a ClusterIP client Service', build: app({ clientService: { ports: [{ name: 'pg', port: 5432, nodePort: 30432 }] } }), expect: refused('db', 'clientService.ports[0].nodePort') },
  { kind: 'references', construct: 'StatefulApp', input: 'node port outside 30000-32767', build: app({ clientService: { type: kplus.ServiceType.NODE_PORT, ports: [{ name: 'pg', port: 5432, nodePort: 80 }] } }), expect: refused('db', 'clientService.ports[0].nodePort') },
  { kind: 'references', construct: 'StatefulApp', input: 'client Service of type ExternalName', build: app({ clientService: { type: kplus.ServiceType.EXTERNAL_NAME } }), expect: refused('db', 'clientService.type') },
  { kind: 'references', construct: 'StatefulApp', input: 'container port name of 16 characters', build: app({}, { ports: [{ number: 5432, name: 'postgres-primary' }] }), expect: refused('db', 'container.ports[0].name') },
  { kind: 'references', construct: 'StatefulApp', input: 'container port protocol that does not exist (untyped)', build: app({}, { ports: [{ number: 5432, name: 'pg', protocol: any('HTTP') }] }), expect: refused('db', 'container.ports[0].protocol') },
  { kind: 'references', construct: 'StatefulApp', input: 'host IP that is not an address', build: app({}, { ports: [{ number: 5432, name: 'pg', hostPort: 5432, hostIp: 'localhost' }] }), expect: refused('db', 'container.ports[0].hostIp') },
  { kind: 'references', construct: 'StatefulApp', input: 'host port 0', build: app({}, { ports: [{ number: 5432, name: 'pg', hostPort: 0 }] }), expect: refused('db', 'container.ports[0].hostPort') },
  { kind: 'references', construct: 'StatefulApp', input: 'one host port taken by two containers', build: app({ sidecars: [{ name: 'proxy', image: 'envoy:1', ports: [{ number: 8080, name: 'proxy', hostPort: 5432 }] }] }, { ports: [{ number: 5432, name: 'pg', hostPort: 5432 }] }), expect: refused('db', 'sidecars[0].ports[0].hostPort') },
  {
    kind: 'references',
    construct: 'StatefulApp',
    input: 'env reads the resources of a container the app does not have',
    build: chart => {
      const other = new kplus.Container({ name: 'ghost', image: 'x:1' });
      new StatefulApp(chart, 'db', { ...PG, container: { ...PG.container, env: [{ name: 'MEM', value: kplus.EnvValue.fromResource(kplus.ResourceFieldPaths.MEMORY_LIMIT, { container: other }) }] } });
    },
    expect: refused('db', 'container env MEM container'),
  },
  { kind: 'references', construct: 'ZooKeeperEnsemble', input: 'client port 0', build: zk({ clientPort: 0 }), expect: refused('zk', 'clientPort') },
  { kind: 'references', construct: 'ZooKeeperEnsemble', input: 'service account name in upper case', build: zk({ serviceAccountName: 'ZK' }), expect: refused('zk', 'serviceAccountName') },
  { kind: 'references', construct: 'ZooKeeperEnsemble', input: 'client Service port undeclared', build: zk({ clientService: { ports: [{ name: 'client', port: 2182 }] } }), expect: refused('zk', 'clientService.ports[0].port') },
  { kind: 'references', construct: 'CassandraRing', input: 'readiness probe without a command', build: cass({ readiness: ContainerProbe.exec([]) }), expect: refused('cass', 'readiness.command') },
  { kind: 'references', construct: 'CassandraRing', input: 'liveness probe on an undeclared port', build: cass({ liveness: ContainerProbe.tcp(7777) }), expect: refused('cass', 'liveness.port') },
  { kind: 'references', construct: 'CassandraRing', input: 'env name starting with a digit', build: cass({ env: [{ name: '9LIVES', value: kplus.EnvValue.fromValue('x') }] }), expect: refused('cass', 'env name') },

  // Disruption budgets
  { kind: 'budgets', construct: 'StatefulApp', input: 'maxUnavailable equal to the replicas', build: app({ replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(3) }), expect: refused('db', 'disruptionBudget.maxUnavailable', /protects nothing/) },
  { kind: 'budgets', construct: 'StatefulApp', input: 'maxUnavailable above the replicas', build: app({ replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(5) }), expect: refused('db', 'disruptionBudget.maxUnavailable') },
  { kind: 'budgets', construct: 'StatefulApp', input: 'maxUnavailable 1 for one replica', build: app({ replicas: 1, disruptionBudget: DisruptionBudget.maxUnavailable(1) }), expect: refused('db', 'disruptionBudget.maxUnavailable') },
  { kind: 'budgets', construct: 'StatefulApp', input: 'minAvailable 0', build: app({ replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(0) }), expect: refused('db', 'disruptionBudget.minAvailable', /protects nothing/) },
  { kind: 'budgets', construct: 'StatefulApp', input: 'maxUnavailable 0', build: app({ replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(0) }), expect: refused('db', 'disruptionBudget.maxUnavailable') },
  { kind: 'budgets', construct: 'StatefulApp', input: 'minAvailable equal to the replicas', build: app({ replicas: 3, disruptionBudget: DisruptionBudget.minAvailable(3) }), expect: refused('db', 'disruptionBudget.minAvailable') },
  { kind: 'budgets', construct: 'StatefulApp', input: 'maxUnavailable of NaN', build: app({ replicas: 3, disruptionBudget: DisruptionBudget.maxUnavailable(NaN) }), expect: refused('db', 'disruptionBudget.maxUnavailable NaN') },
  { kind: 'budgets', construct: 'StatefulApp', input: 'a plain object as a budget (untyped)', build: app({ disruptionBudget: any({ kind: 'MaxUnavailable', count: 1 }) }), expect: refused('db', 'disruptionBudget') },
  { kind: 'budgets', construct: 'StatefulApp', input: 'quorum of two members with the default budget', build: app({ replicas: 2, quorum: true }), expect: refused('db', 'disruptionBudget') },
  { kind: 'budgets', construct: 'StatefulApp', input: 'a budget that protects nothing, with the opt-in', build: app({ replicas: 2, disruptionBudget: DisruptionBudget.maxUnavailable(2, { allowAllPodsDown: true }) }), expect: accepted('allowAllPodsDown is the explicit, documented opt-in') },
  { kind: 'budgets', construct: 'ZooKeeperEnsemble', input: 'maxUnavailable 2 of 3 servers', build: zk({ disruptionBudget: DisruptionBudget.maxUnavailable(2) }), expect: refused('zk', 'disruptionBudget.maxUnavailable', /quorum/) },
  { kind: 'budgets', construct: 'ZooKeeperEnsemble', input: 'minAvailable 1 of 3 servers', build: zk({ disruptionBudget: DisruptionBudget.minAvailable(1) }), expect: refused('zk', 'disruptionBudget.minAvailable') },
  { kind: 'budgets', construct: 'CassandraRing', input: 'maxUnavailable equal to the nodes', build: cass({ disruptionBudget: DisruptionBudget.maxUnavailable(3) }), expect: refused('cass', 'disruptionBudget.maxUnavailable') },
  { kind: 'budgets', construct: 'CassandraRing', input: 'racks with maxUnavailable above the nodes', build: cass({ replicas: 3, racks: [{ name: 'a', zone: 'z1' }, { name: 'b', zone: 'z2' }, { name: 'c', zone: 'z3' }], disruptionBudget: DisruptionBudget.maxUnavailable(4) }), expect: refused('cass', 'disruptionBudget.maxUnavailable') },
  { kind: 'budgets', construct: 'CassandraRing', input: 'one node with the default budget', build: cass({ replicas: 1 }), expect: accepted('the ring keeps a budget for one node on purpose (documented), so it is in place when the ring grows') },

  // Durations and sizes where Kubernetes counts whole units
  { kind: 'durations', construct: 'StatefulApp', input: 'probe period of 500 ms', build: app({}, { readiness: ContainerProbe.tcp(5432, { period: Duration.millis(500) }) }), expect: refused('db', 'container.readiness.period', /whole seconds/) },
  { kind: 'durations', construct: 'StatefulApp', input: 'probe period of 0', build: app({}, { readiness: ContainerProbe.tcp(5432, { period: Duration.seconds(0) }) }), expect: refused('db', 'container.readiness.period') },
  { kind: 'durations', construct: 'StatefulApp', input: 'probe timeout of 0', build: app({}, { liveness: ContainerProbe.tcp(5432, { timeout: Duration.seconds(0) }) }), expect: refused('db', 'container.liveness.timeout') },
  { kind: 'durations', construct: 'StatefulApp', input: 'initial delay of 1.5 s', build: app({}, { liveness: ContainerProbe.tcp(5432, { initialDelay: Duration.millis(1500) }) }), expect: refused('db', 'container.liveness.initialDelay') },
  { kind: 'durations', construct: 'StatefulApp', input: 'probe period of NaN seconds', build: app({}, { readiness: ContainerProbe.tcp(5432, { period: Duration.seconds(NaN) }) }), expect: refused('db', 'container.readiness.period') },
  { kind: 'durations', construct: 'StatefulApp', input: 'probe period as a number (untyped)', build: app({}, { readiness: ContainerProbe.tcp(5432, { period: any(10) }) }), expect: refused('db', 'container.readiness.period') },
  { kind: 'durations', construct: 'StatefulApp', input: 'liveness successThreshold 2', build: app({}, { liveness: ContainerProbe.tcp(5432, { successThreshold: 2 }) }), expect: refused('db', 'container.liveness.successThreshold') },
  { kind: 'durations', construct: 'StatefulApp', input: 'startup successThreshold 3', build: app({}, { startup: ContainerProbe.tcp(5432, { successThreshold: 3 }) }), expect: refused('db', 'container.startup.successThreshold') },
  { kind: 'durations', construct: 'StatefulApp', input: 'failureThreshold 0', build: app({}, { readiness: ContainerProbe.tcp(5432, { failureThreshold: 0 }) }), expect: refused('db', 'container.readiness.failureThreshold') },
  { kind: 'durations', construct: 'StatefulApp', input: 'termination grace period of 0', build: app({ terminationGracePeriod: Duration.seconds(0) }), expect: refused('db', 'terminationGracePeriod', /unsafe/) },
  { kind: 'durations', construct: 'StatefulApp', input: 'termination grace period of 500 ms', build: app({ terminationGracePeriod: Duration.millis(500) }), expect: refused('db', 'terminationGracePeriod', /whole seconds/) },
  { kind: 'durations', construct: 'StatefulApp', input: 'minReady of 2.5 s', build: app({ minReady: Duration.millis(2500) }), expect: refused('db', 'minReady') },
  { kind: 'durations', construct: 'StatefulApp', input: 'toleration seconds of 1.5 s', build: app({ tolerations: [{ key: 'node.kubernetes.io/unreachable', effect: TaintEffect.NO_EXECUTE, tolerationSeconds: Duration.millis(1500) }] }), expect: refused('db', 'tolerations[0].tolerationSeconds') },
  { kind: 'durations', construct: 'StatefulApp', input: 'readiness successThreshold 2', build: app({}, { readiness: ContainerProbe.tcp(5432, { successThreshold: 2 }) }), expect: accepted('only liveness and startup probes need successThreshold 1') },
  { kind: 'durations', construct: 'ZooKeeperEnsemble', input: 'tick time of 0.5 ms', build: zk({ tickTime: Duration.millis(0.5) }), expect: refused('zk', 'tickTime') },
  { kind: 'durations', construct: 'ZooKeeperEnsemble', input: 'purge interval of 90 minutes', build: zk({ purgeInterval: Duration.minutes(90) }), expect: refused('zk', 'purgeInterval') },
  { kind: 'durations', construct: 'ZooKeeperEnsemble', input: 'tick time as a number (untyped)', build: zk({ tickTime: any(2000) }), expect: refused('zk', 'tickTime') },
  { kind: 'durations', construct: 'ZooKeeperEnsemble', input: 'termination grace period of 0', build: zk({ terminationGracePeriod: Duration.seconds(0) }), expect: refused('zk', 'terminationGracePeriod') },
  { kind: 'durations', construct: 'CassandraRing', input: 'termination grace period of 1.5 s', build: cass({ terminationGracePeriod: Duration.millis(1500) }), expect: refused('cass', 'terminationGracePeriod') },
  { kind: 'durations', construct: 'CassandraRing', input: 'startup probe period of 100 ms', build: cass({ startup: ContainerProbe.tcp(7000, { period: Duration.millis(100) }) }), expect: refused('cass', 'startup.period') },

  // Numbers: NaN and other values that are not whole or in range
  { kind: 'numbers', construct: 'StatefulApp', input: 'replicas NaN (printed as NaN)', build: app({ replicas: NaN }), expect: refused('db', 'replicas NaN') },
  { kind: 'numbers', construct: 'StatefulApp', input: 'replicas 1.5', build: app({ replicas: 1.5 }), expect: refused('db', 'replicas 1.5') },
  { kind: 'numbers', construct: 'StatefulApp', input: 'negative replicas', build: app({ replicas: -1 }), expect: refused('db', 'replicas -1') },
  { kind: 'numbers', construct: 'StatefulApp', input: 'start ordinal NaN', build: app({ startOrdinal: NaN }), expect: refused('db', 'startOrdinal NaN') },
  { kind: 'numbers', construct: 'StatefulApp', input: 'container port NaN', build: app({}, { ports: [{ number: NaN, name: 'pg' }] }), expect: refused('db', 'container.ports[0].number NaN') },
  { kind: 'numbers', construct: 'StatefulApp', input: 'container port Infinity', build: app({}, { ports: [{ number: Infinity, name: 'pg' }] }), expect: refused('db', 'container.ports[0].number Infinity') },
  { kind: 'numbers', construct: 'StatefulApp', input: 'revision history limit -1', build: app({ revisionHistoryLimit: -1 }), expect: refused('db', 'revisionHistoryLimit') },
  { kind: 'numbers', construct: 'StatefulApp', input: 'negative update partition', build: app({ updateStrategy: any({ type: 'RollingUpdate', partition: -1 }) }), expect: refused('db', 'updateStrategy') },
  { kind: 'numbers', construct: 'StatefulApp', input: 'preferred node affinity weight 0', build: app({ preferredNodeAffinity: [{ weight: 0, matchExpressions: [] }] }), expect: refused('db', 'preferredNodeAffinity[0].weight') },
  { kind: 'numbers', construct: 'StatefulApp', input: 'topology spread maxSkew 0', build: app({ topologySpread: [TopologySpread.acrossZones({ maxSkew: 0 })] }), expect: refused('db', 'topologySpread[0].maxSkew') },
  { kind: 'numbers', construct: 'ZooKeeperEnsemble', input: 'an even number of servers', build: zk({ replicas: 4 }), expect: refused('zk', 'replicas') },
  { kind: 'numbers', construct: 'ZooKeeperEnsemble', input: 'initLimit NaN', build: zk({ initLimit: NaN }), expect: refused('zk', 'initLimit NaN') },
  { kind: 'numbers', construct: 'CassandraRing', input: 'replicas 0', build: cass({ replicas: 0 }), expect: refused('cass', 'replicas') },
  { kind: 'numbers', construct: 'CassandraRing', input: 'numTokens 0', build: cass({ numTokens: 0 }), expect: refused('cass', 'numTokens') },

  // Choices given as something else (untyped callers)
  { kind: 'choices', construct: 'StatefulApp', input: 'spreading that does not exist', build: app({ spreadAcrossNodes: any('Always') }), expect: refused('db', 'spreadAcrossNodes') },
  { kind: 'choices', construct: 'StatefulApp', input: 'pod management policy that does not exist', build: app({ podManagementPolicy: any('Random') }), expect: refused('db', 'podManagementPolicy') },
  { kind: 'choices', construct: 'StatefulApp', input: 'claim retention that does not exist', build: app({ claimRetentionWhenScaled: any('Keep') }), expect: refused('db', 'claimRetentionWhenScaled') },
  { kind: 'choices', construct: 'StatefulApp', input: 'image pull policy that does not exist', build: app({}, { imagePullPolicy: any('Sometimes') }), expect: refused('db', 'container.imagePullPolicy') },
  { kind: 'choices', construct: 'StatefulApp', input: 'storage class as a plain string', build: app({ storageClass: any('fast') }), expect: refused('db', 'storageClass') },
  { kind: 'choices', construct: 'StatefulApp', input: 'a command with a number (untyped)', build: app({}, { command: any(['sleep', 10]) }), expect: refused('db', 'container.command[1]') },
  { kind: 'choices', construct: 'StatefulApp', input: 'the removed option spreadAcrossZones', build: app(any({ spreadAcrossZones: Spreading.PREFERRED })), expect: refused('db', 'spreadAcrossZones') },
  { kind: 'choices', construct: 'ZooKeeperEnsemble', input: 'log level that does not exist', build: zk({ logLevel: any('LOUD') }), expect: refused('zk', 'logLevel') },
  { kind: 'choices', construct: 'CassandraRing', input: 'image pull policy that does not exist', build: cass({ imagePullPolicy: any('Sometimes') }), expect: refused('cass', 'imagePullPolicy') },
  { kind: 'choices', construct: 'HostPathVolumeSet', input: 'paths as a plain list', build: hostPath({ paths: any(['/srv/a', '/srv/b']) }), expect: refused('volumes', 'paths') },

  // Metrics (the shared metrics option, merged from the observability work)
  { kind: 'metrics', construct: 'StatefulApp', input: 'metrics port 0', build: app({ metrics: { port: 0 } }), expect: refused('db', 'metrics.port') },
  { kind: 'metrics', construct: 'StatefulApp', input: 'metrics port NaN', build: app({ metrics: { port: NaN } }), expect: refused('db', 'metrics.port NaN') },
  { kind: 'metrics', construct: 'StatefulApp', input: 'metrics port no container declares', build: app({ metrics: { port: 9999 } }), expect: refused('db', 'metrics.port') },
  { kind: 'metrics', construct: 'StatefulApp', input: 'metrics path without a leading slash', build: app({ metrics: { port: 5432, path: 'metrics' } }), expect: refused('db', 'metrics.path') },
  { kind: 'metrics', construct: 'StatefulApp', input: 'metrics path with a space', build: app({ metrics: { port: 5432, path: '/me trics' } }), expect: refused('db', 'metrics.path') },
  { kind: 'metrics', construct: 'StatefulApp', input: 'scrape interval of 500 ms', build: app({ metrics: { port: 5432, scrape: Scrape.serviceMonitor({ interval: Duration.millis(500) }) } }), expect: refused('db', 'metrics.scrape.interval') },
  { kind: 'metrics', construct: 'StatefulApp', input: 'monitor label key with a space', build: app({ metrics: { port: 5432, scrape: Scrape.podMonitor({ labels: { 'a b': 'x' } }) } }), expect: refused('db', 'metrics.scrape.labels key') },
  { kind: 'metrics', construct: 'StatefulApp', input: 'alert volume threshold of 150 %', build: app({ metrics: { port: 5432, alerts: { volumeFullPercent: 150 } } }), expect: refused('db', 'metrics.alerts.volumeFullPercent') },
  { kind: 'metrics', construct: 'StatefulApp', input: 'alert label that is not a Prometheus label name', build: app({ metrics: { port: 5432, alerts: { alertLabels: { 'team-name': 'db' } } } }), expect: refused('db', 'metrics.alerts.alertLabels key') },
  { kind: 'metrics', construct: 'ZooKeeperEnsemble', input: 'metrics port equal to the client port', build: zk({ metrics: { port: 2181 } }), expect: refused('zk', 'metrics.port') },
  { kind: 'metrics', construct: 'CassandraRing', input: 'metrics port 70000', build: cass({ metrics: { port: 70000 } }), expect: refused('cass', 'metrics.port') },

  // Across constructs: checked once per chart at synthesis, naming both constructs
  {
    kind: 'cross-construct',
    construct: 'StatefulApp',
    input: 'two apps with one name',
    build: chart => {
      new StatefulApp(chart, 'a', { ...PG, name: 'db' });
      new StatefulApp(chart, 'b', { ...PG, name: 'db', selectorLabels: { app: 'b' } });
    },
    expect: refused('b', 'name', /also made by test\/a/),
  },
  {
    kind: 'cross-construct',
    construct: 'StatefulApp',
    input: 'two apps with one headless Service name',
    build: chart => {
      new StatefulApp(chart, 'a', { ...PG, serviceName: 'pg' });
      new StatefulApp(chart, 'b', { ...PG, serviceName: 'pg' });
    },
    expect: refused('b', 'serviceName', /Service "pg" in namespace default is also made by test\/a/),
  },
  {
    kind: 'cross-construct',
    construct: 'StatefulApp',
    input: 'a client Service named like another app\'s headless Service',
    build: chart => {
      new StatefulApp(chart, 'a', { ...PG });
      new StatefulApp(chart, 'b', { ...PG, clientService: { name: 'a' } });
    },
    expect: refused('b', 'clientService.name', /test\/a/),
  },
  {
    kind: 'cross-construct',
    construct: 'StatefulApp',
    input: 'two apps whose selectors overlap',
    build: chart => {
      new StatefulApp(chart, 'a', { ...PG, selectorLabels: { app: 'pg' } });
      new StatefulApp(chart, 'b', { ...PG, selectorLabels: { app: 'pg' } });
    },
    expect: refused('b', 'selectorLabels', /test\/a/),
  },
  {
    kind: 'cross-construct',
    construct: 'StatefulApp',
    input: 'an app whose labels carry another app\'s selector',
    build: chart => {
      new StatefulApp(chart, 'a', { ...PG, selectorLabels: { tier: 'db' } });
      new StatefulApp(chart, 'b', { ...PG, labels: { tier: 'db' } });
    },
    expect: refused('b', 'selectorLabels', /are matched by the selector of test\/a/),
  },
  {
    kind: 'cross-construct',
    construct: 'StatefulApp',
    input: 'apps of one name in two namespaces',
    build: chart => {
      new StatefulApp(chart, 'a', { ...PG, name: 'db', namespace: 'team-a' });
      new StatefulApp(chart, 'b', { ...PG, name: 'db', namespace: 'team-b' });
    },
    expect: accepted('names and selectors are per namespace'),
  },
  {
    kind: 'cross-construct',
    construct: 'StatefulApp',
    input: 'a Service of the user\'s own with the app\'s headless Service name',
    build: chart => {
      new ApiObject(chart, 'mine', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { ports: [{ port: 80 }] } });
      new StatefulApp(chart, 'db', { ...PG });
    },
    expect: refused('db', 'serviceName', /test\/mine/),
  },
  {
    kind: 'cross-construct',
    construct: 'ZooKeeperEnsemble',
    input: 'two ensembles of one name',
    build: chart => {
      new ZooKeeperEnsemble(chart, 'zk', {});
      new ZooKeeperEnsemble(chart, 'zk2', { name: 'zk', selectorLabels: { app: 'zk2' } });
    },
    expect: refused('zk2', 'name', /test\/zk/),
  },
  {
    kind: 'cross-construct',
    construct: 'CassandraRing',
    input: 'a ring and an app that select each other',
    build: chart => {
      new CassandraRing(chart, 'cass', { selectorLabels: { app: 'store' } });
      new StatefulApp(chart, 'db', { ...PG, selectorLabels: { app: 'store' } });
    },
    expect: refused('db', 'selectorLabels', /test\/cass/),
  },
  { kind: 'cross-construct', construct: 'CassandraRing', input: 'racks of one ring share their selector', build: cass({ replicas: 3, racks: [{ name: 'a', zone: 'z1' }, { name: 'b', zone: 'z2' }, { name: 'c', zone: 'z3' }] }), expect: accepted('the racks of one ring are one workload and share the selector on purpose') },
  {
    kind: 'cross-construct',
    construct: 'StorageClass',
    input: 'two StorageClasses of one name',
    build: chart => {
      new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com' });
      new StorageClass(chart, 'fast2', { name: 'fast', provisioner: 'ebs.csi.aws.com' });
    },
    expect: refused('fast2', 'name', /StorageClass "fast" is also made by test\/fast/),
  },
  {
    kind: 'cross-construct',
    construct: 'StorageClass',
    input: 'two default StorageClasses',
    build: chart => {
      new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com', isDefault: true });
      new StorageClass(chart, 'slow', { provisioner: 'ebs.csi.aws.com', isDefault: true });
    },
    expect: refused('slow', 'isDefault', /test\/fast/),
  },
  {
    kind: 'cross-construct',
    construct: 'HostPathVolumeSet',
    input: 'two volume sets for one claim',
    build: chart => {
      const a = staticApp(chart);
      new HostPathVolumeSet(chart, 'one', { app: a, claim: 'data', paths: VolumePaths.under('/srv/one') });
      new HostPathVolumeSet(chart, 'two', { app: a, claim: 'data', paths: VolumePaths.under('/srv/two'), volumeNames: ['x-0', 'x-1'] });
    },
    expect: refused('two', 'claim', /test\/one/),
  },
  {
    kind: 'cross-construct',
    construct: 'NfsVolumeSet',
    input: 'two volume sets with the same volume names',
    build: chart => {
      const a = staticApp(chart);
      const b = staticApp(chart, { selectorLabels: { app: 'cache' } }, 'cache');
      new NfsVolumeSet(chart, 'one', { app: a, claim: 'data', server: '10.0.0.2', paths: VolumePaths.under('/exports/a'), volumeNames: ['pv-0', 'pv-1'] });
      new NfsVolumeSet(chart, 'two', { app: b, claim: 'data', server: '10.0.0.2', paths: VolumePaths.under('/exports/b'), volumeNames: ['pv-0', 'pv-1'] });
    },
    expect: refused('two', 'volumeNames', /PersistentVolume "pv-0" is also made by test\/one/),
  },
  { kind: 'cross-construct', construct: 'HostPathVolumeSet', input: 'volumes pinned to one node, pods required on different nodes', build: hostPath({ nodes: ['n1', 'n1'] }, { spreadAcrossNodes: Spreading.REQUIRED }), expect: refused('volumes', 'nodes[1]', /test\/redis.*Spreading\.REQUIRED/) },
  {
    kind: 'cross-construct',
    construct: 'HostPathVolumeSet',
    input: 'ZooKeeper servers pinned to two nodes (three servers, required spreading)',
    build: chart => {
      const z = new ZooKeeperEnsemble(chart, 'zk', { storageClass: StorageClass.none() });
      new HostPathVolumeSet(chart, 'volumes', { app: z.app, claim: 'datadir', paths: VolumePaths.under('/srv/zk'), nodes: ['n1', 'n2', 'n1'] });
    },
    expect: refused('volumes', 'nodes[2]', /test\/zk/),
  },
  { kind: 'cross-construct', construct: 'HostPathVolumeSet', input: 'volume pinned to a node the app\'s node selector excludes', build: hostPath({ nodes: ['n1', 'n2'] }, { nodeSelector: { 'kubernetes.io/hostname': 'n1' }, spreadAcrossNodes: Spreading.NONE }), expect: refused('volumes', 'nodes[1]', /may not run there/) },
  { kind: 'cross-construct', construct: 'HostPathVolumeSet', input: 'volumes pinned unevenly, spread across nodes required', build: hostPath({ nodes: ['n1', 'n1', 'n1', 'n2'] }, { replicas: 4, topologySpread: [TopologySpread.acrossNodes({ whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE })] }), expect: refused('volumes', 'nodes', /maxSkew/) },
  { kind: 'cross-construct', construct: 'HostPathVolumeSet', input: 'volumes pinned to one node, spreading only preferred', build: hostPath({ nodes: ['n1', 'n1'] }, { spreadAcrossNodes: Spreading.PREFERRED }), expect: accepted('preferred spreading lets the pods share the node their volumes are on') },
  { kind: 'cross-construct', construct: 'HostPathVolumeSet', input: 'a volume kept for scaling on a shared node', build: hostPath({ paths: VolumePaths.of(['/srv/a', '/srv/b', '/srv/c']), nodes: ['n1', 'n2', 'n1'] }, { spreadAcrossNodes: Spreading.REQUIRED }), expect: accepted('the third volume is for a pod that does not exist yet: the two current pods are on different nodes') },
];

// ---- the runner ---------------------------------------------------------------------------------

describe('validation battery', () => {
  describe.each([...new Set(CASES.map(c => c.kind))])('%s', kind => {
    test.each(CASES.filter(c => c.kind === kind).map(c => [`${c.construct}: ${c.input}`, c] as [string, Case]))('%s', (_name, c) => {
      const chart = freshChart();
      const run = () => {
        c.build(chart);
        return synthValidated(chart);
      };
      if ('refused' in c.expect) {
        let message: string | undefined;
        try {
          run();
        } catch (e) {
          message = (e as Error).message;
        }
        expect(message).toBeDefined();
        // The ownership helper is static: it has no construct, so its scope is the helper's name.
        if (!message!.startsWith('StaticVolumeSet.')) {
          expect(message).toMatch(FORMAT);
        }
        expect(message).toMatch(c.expect.refused);
        expect(message).not.toMatch(/\bnull\b/);
      } else {
        const objects = run();
        expect(objects.length).toBeGreaterThan(0);
        // The plan command's create-time validation (a second reading of the API server's rules)
        // finds nothing to refuse either.
        const refusals = objects.flatMap(o => [
          ...validateStringMaps(o.kind, o),
          ...(o.kind === 'StatefulSet' ? validateStatefulSet(o) : []),
          ...(o.kind === 'PodDisruptionBudget' ? validateBudget(o) : []),
        ]);
        expect(refusals).toEqual([]);
        expect(c.expect.accepted.length).toBeGreaterThan(10);
        c.expect.check?.(objects);
      }
    });
  });

  test('holds at least 200 bad inputs, for all six constructs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(200);
    expect(new Set(CASES.map(c => c.construct))).toEqual(new Set([
      'StatefulApp', 'ZooKeeperEnsemble', 'CassandraRing', 'StorageClass', 'HostPathVolumeSet', 'NfsVolumeSet',
    ]));
    expect(new Set(CASES.map(c => `${c.construct}: ${c.input}`)).size).toBe(CASES.length);
  });
});

/** Counts per kind (refused / accepted), as the closing note reports them. */
export function batteryCounts(): { [kind: string]: { refused: number; accepted: number } } {
  const counts: { [kind: string]: { refused: number; accepted: number } } = {};
  for (const c of CASES) {
    counts[c.kind] = counts[c.kind] ?? { refused: 0, accepted: 0 };
    counts[c.kind]['refused' in c.expect ? 'refused' : 'accepted'] += 1;
  }
  return counts;
}
