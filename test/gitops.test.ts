import { ApiObject, Chart, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import {
  CassandraRing, GitOps, GitOpsTool, HostPathVolumeSet, NfsVolumeSet, StatefulApp, StatefulAppProps, StorageClass, VolumePaths,
  ZooKeeperEnsemble,
} from '../src';
import { findObject, freshChart, synthValidated as synth, toYaml } from './util/synth';

const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const FLUX_PRUNE = 'kustomize.toolkit.fluxcd.io/prune';
const KEEP_ARGO = { [SYNC_OPTIONS]: 'Prune=false,Delete=false' };
const KEEP_FLUX = { [FLUX_PRUNE]: 'disabled' };

function app(chart: Chart, props: Partial<StatefulAppProps> = {}): StatefulApp {
  const a = new StatefulApp(chart, 'db', {
    replicas: 3,
    container: { image: 'registry.example.com/db:1.0', ports: [{ number: 5432, name: 'sql' }] },
    volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db' }],
    clientService: {},
    ...props,
  });
  a.addConfigFile('/etc/db/db.conf', 'port = 5432\n');
  return a;
}

/** `kind/name` → the object's annotations (none: `{}`). */
function annotationsByObject(objects: any[]): { [object: string]: { [key: string]: string } } {
  return Object.fromEntries(objects.map(o => [`${o.kind}/${o.metadata.name}`, o.metadata.annotations ?? {}]));
}

describe('GitOps presets', () => {
  test('the presets\' annotations by kind', () => {
    const argo = GitOps.argoCd();
    expect(argo.tool).toBe(GitOpsTool.ARGO_CD);
    expect(argo.keepAnnotations).toEqual(KEEP_ARGO);
    expect(argo.annotationsFor('PersistentVolumeClaim')).toEqual({ ...KEEP_ARGO, [SYNC_WAVE]: '-1' });
    expect(argo.annotationsFor('StorageClass')).toEqual({ ...KEEP_ARGO, [SYNC_WAVE]: '-1' });
    expect(argo.annotationsFor('PersistentVolume')).toEqual({ ...KEEP_ARGO, [SYNC_WAVE]: '-1' });
    expect(argo.annotationsFor('ConfigMap')).toEqual({ [SYNC_WAVE]: '-1' });
    expect(argo.annotationsFor('Service')).toEqual({ [SYNC_WAVE]: '-1' });
    expect(argo.annotationsFor('StatefulSet')).toEqual({ [SYNC_WAVE]: '0' });
    expect(argo.annotationsFor('PodDisruptionBudget')).toEqual({ [SYNC_WAVE]: '1' });
    expect(argo.annotationsFor('NetworkPolicy')).toEqual({ [SYNC_WAVE]: '1' });
    expect(argo.annotationsFor('Deployment')).toEqual({});
    const flux = GitOps.flux();
    expect(flux.tool).toBe(GitOpsTool.FLUX);
    expect(flux.keepAnnotations).toEqual(KEEP_FLUX);
    for (const kind of ['StorageClass', 'PersistentVolume', 'PersistentVolumeClaim']) {
      expect(flux.annotationsFor(kind)).toEqual(KEEP_FLUX);
    }
    for (const kind of ['Service', 'ConfigMap', 'StatefulSet', 'PodDisruptionBudget']) {
      expect(flux.annotationsFor(kind)).toEqual({});
    }
  });

  test('defaults: without a preset no object carries a GitOps annotation', () => {
    const chart = freshChart();
    app(chart);
    const objects = synth(chart);
    for (const o of objects) {
      expect(o.metadata.annotations).toBeUndefined();
    }
    expect(findObject(objects, 'StatefulSet').spec.volumeClaimTemplates[0].metadata).toEqual({ name: 'data' });
  });

  test('gitOps: GitOps.argoCd() on a StatefulApp: waves on every object, keep annotations on the claim templates', () => {
    const chart = freshChart();
    const a = app(chart, { gitOps: GitOps.argoCd(), annotations: { 'example.com/owner': 'orders' } });
    expect(a.gitOps?.tool).toBe(GitOpsTool.ARGO_CD);
    const objects = synth(chart);
    const owner = { 'example.com/owner': 'orders' };
    expect(annotationsByObject(objects)).toEqual({
      'Service/db': { ...owner, [SYNC_WAVE]: '-1' },
      'Service/db-client': { ...owner, [SYNC_WAVE]: '-1' },
      'ConfigMap/db-config': { ...owner, [SYNC_WAVE]: '-1' },
      'StatefulSet/db': { ...owner, [SYNC_WAVE]: '0' },
      'PodDisruptionBudget/db-pdb': { ...owner, [SYNC_WAVE]: '1' },
    });
    expect(findObject(objects, 'StatefulSet').spec.volumeClaimTemplates[0].metadata).toEqual({ name: 'data', annotations: KEEP_ARGO });
    // the pods are not annotated (a change there would roll them)
    expect(findObject(objects, 'StatefulSet').spec.template.metadata.annotations).toEqual({ 'checksum/config': expect.any(String) });
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('gitOps: GitOps.flux() on a StatefulApp: keep annotations on the claim templates only', () => {
    const chart = freshChart();
    app(chart, { gitOps: GitOps.flux() });
    const objects = synth(chart);
    for (const o of objects) {
      expect(o.metadata.annotations).toBeUndefined();
    }
    expect(findObject(objects, 'StatefulSet').spec.volumeClaimTemplates[0].metadata).toEqual({ name: 'data', annotations: KEEP_FLUX });
  });

  test('the patterns take gitOps, and objects added after construction get it too', () => {
    const chart = freshChart();
    new ZooKeeperEnsemble(chart, 'zk', { gitOps: GitOps.argoCd() });
    const ring = new CassandraRing(chart, 'cassandra', { gitOps: GitOps.flux() });
    ring.app.addConfigFile('/etc/cassandra/extra.yaml', 'x: 1\n');
    const objects = synth(chart);
    expect(annotationsByObject(objects.filter(o => o.metadata.name.startsWith('zk')))).toEqual({
      'Service/zk-hs': { [SYNC_WAVE]: '-1' },
      'Service/zk-cs': { [SYNC_WAVE]: '-1' },
      'ConfigMap/zk-config': { [SYNC_WAVE]: '-1' },
      'StatefulSet/zk': { [SYNC_WAVE]: '0' },
      'PodDisruptionBudget/zk-pdb': { [SYNC_WAVE]: '1' },
    });
    expect(findObject(objects, 'StatefulSet', 'zk').spec.volumeClaimTemplates[0].metadata.annotations).toEqual(KEEP_ARGO);
    expect(findObject(objects, 'StatefulSet', 'cassandra').spec.volumeClaimTemplates[0].metadata.annotations).toEqual(KEEP_FLUX);
    expect(findObject(objects, 'ConfigMap', 'cassandra-config').metadata.annotations).toBeUndefined();
  });

  test('GitOps.applyTo(chart): every object of the chart by its kind, with the library\'s storage and the user\'s own objects', () => {
    const chart = freshChart({ namespace: 'shop' });
    const local = new StorageClass(chart, 'local', { provisioner: StorageClass.NO_PROVISIONER });
    const cache = new StatefulApp(chart, 'cache', {
      replicas: 2,
      container: { image: 'redis:7.2', ports: [{ number: 6379, name: 'redis' }] },
      volumeClaims: [{ name: 'data', size: Size.gibibytes(1), mountPath: '/data', storageClass: local }],
    });
    new HostPathVolumeSet(chart, 'volumes', { app: cache, claim: 'data', paths: VolumePaths.under('/mnt'), nodes: ['n1', 'n2'] });
    new k8s.KubePersistentVolumeClaim(chart, 'shared', {
      metadata: { name: 'shared' },
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } } },
    });
    new k8s.KubeDeployment(chart, 'web', {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      },
    });
    GitOps.applyTo(chart, GitOps.argoCd());
    const objects = synth(chart);
    const keep = { ...KEEP_ARGO, [SYNC_WAVE]: '-1' };
    expect(annotationsByObject(objects)).toEqual({
      'StorageClass/local': keep,
      'Service/cache': { [SYNC_WAVE]: '-1' },
      'StatefulSet/cache': { [SYNC_WAVE]: '0' },
      'PodDisruptionBudget/cache-pdb': { [SYNC_WAVE]: '1' },
      'PersistentVolume/shop-data-cache-0': keep,
      'PersistentVolume/shop-data-cache-1': keep,
      'PersistentVolumeClaim/shared': keep,
      'Deployment/web': {},
    });
    expect(findObject(objects, 'StatefulSet').spec.volumeClaimTemplates[0].metadata.annotations).toEqual(KEEP_ARGO);
    // synthesizing again changes nothing
    expect(toYaml(synth(chart))).toEqual(toYaml(objects));
    expect(toYaml(objects)).toMatchSnapshot();
  });

  test('a StorageClass and a volume set take gitOps; a volume set takes its app\'s by default', () => {
    const chart = freshChart();
    const nfs = new StorageClass(chart, 'nfs', { provisioner: StorageClass.NO_PROVISIONER, gitOps: GitOps.flux() });
    const a = new StatefulApp(chart, 'web', {
      replicas: 2,
      gitOps: GitOps.flux(),
      container: { image: 'nginx:1.25', ports: [{ number: 80, name: 'web' }] },
      volumeClaims: [{ name: 'www', size: Size.gibibytes(1), mountPath: '/usr/share/nginx/html', storageClass: nfs }],
    });
    const set = new NfsVolumeSet(chart, 'volumes', { app: a, claim: 'www', server: '10.0.0.2', paths: VolumePaths.under('/exports') });
    const objects = synth(chart);
    expect(findObject(objects, 'StorageClass', 'nfs').metadata.annotations).toEqual(KEEP_FLUX);
    expect(set.volumes).toHaveLength(2);
    for (const pv of objects.filter(o => o.kind === 'PersistentVolume')) {
      expect(pv.metadata.annotations).toEqual(KEEP_FLUX);
    }
  });

  describe('fails', () => {
    test('a preset that contradicts an annotation the user gave the object (checked when the app is created)', () => {
      expect(() => app(freshChart(), {
        gitOps: GitOps.argoCd(),
        objectMetadata: { statefulSet: { annotations: { [SYNC_WAVE]: '5' } } },
      })).toThrow('test/db: invalid gitOps "GitOps.argoCd()": sets annotation argocd.argoproj.io/sync-wave: "0" on the StatefulSet, '
        + 'which objectMetadata.statefulSet.annotations sets to "5"; remove that annotation or choose no preset');
    });

    test('a preset that contradicts the app\'s annotations', () => {
      expect(() => app(freshChart(), { gitOps: GitOps.argoCd(), annotations: { [SYNC_WAVE]: '2' } }))
        .toThrow('test/db: invalid gitOps "GitOps.argoCd()": sets annotation argocd.argoproj.io/sync-wave: "-1" on the headless Service, '
          + 'which annotations sets to "2"');
    });

    test('a preset that contradicts the claim templates\' annotations', () => {
      expect(() => app(freshChart(), {
        gitOps: GitOps.flux(),
        objectMetadata: { volumeClaims: { annotations: { [FLUX_PRUNE]: 'enabled' } } },
      })).toThrow('test/db: invalid gitOps "GitOps.flux()": sets annotation kustomize.toolkit.fluxcd.io/prune: "disabled" on the claims, '
        + 'which objectMetadata.volumeClaims.annotations sets to "enabled"');
    });

    test('a pattern reports it under its own path', () => {
      expect(() => new ZooKeeperEnsemble(freshChart(), 'zk', {
        gitOps: GitOps.argoCd(),
        objectMetadata: { disruptionBudget: { annotations: { [SYNC_WAVE]: '-5' } } },
      })).toThrow('test/zk: invalid gitOps "GitOps.argoCd()": sets annotation argocd.argoproj.io/sync-wave: "1" on the PodDisruptionBudget');
    });

    test('a chart preset that contradicts an annotation added to an object later (checked at synthesis)', () => {
      const chart = freshChart();
      const a = app(chart);
      a.statefulSet.metadata.addAnnotation(SYNC_WAVE, '3');
      GitOps.applyTo(chart, GitOps.argoCd());
      expect(() => synth(chart)).toThrow('test: invalid GitOps.applyTo() preset "GitOps.argoCd()": sets annotation '
        + 'argocd.argoproj.io/sync-wave: "0" on StatefulSet db, which already has "3"; remove that annotation or choose no preset');
    });

    test('a chart preset that contradicts the claim templates\' own annotations', () => {
      const chart = freshChart();
      app(chart, { objectMetadata: { volumeClaims: { annotations: { [SYNC_OPTIONS]: 'Prune=false' } } } });
      GitOps.applyTo(chart, GitOps.argoCd());
      expect(() => synth(chart)).toThrow('test/db: invalid objectMetadata.volumeClaims.annotations "Prune=false": contradicts the GitOps '
        + 'preset GitOps.argoCd() applied to test, which sets argocd.argoproj.io/sync-options: "Prune=false,Delete=false" on the claim templates');
    });

    test('a chart preset that contradicts a StorageClass\'s own annotation', () => {
      const chart = freshChart();
      new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com', annotations: { [FLUX_PRUNE]: 'enabled' } });
      GitOps.applyTo(chart, GitOps.flux());
      expect(() => synth(chart)).toThrow('test: invalid GitOps.applyTo() preset "GitOps.flux()": sets annotation '
        + 'kustomize.toolkit.fluxcd.io/prune: "disabled" on StorageClass fast, which already has "enabled"');
    });

    test('a StorageClass preset that contradicts its own annotation', () => {
      expect(() => new StorageClass(freshChart(), 'fast', {
        provisioner: 'ebs.csi.aws.com', gitOps: GitOps.argoCd(), annotations: { [SYNC_WAVE]: '0' },
      })).toThrow('test/fast: invalid gitOps "GitOps.argoCd()": sets annotation argocd.argoproj.io/sync-wave: "-1" on StorageClass fast, '
        + 'which annotations sets to "0"');
    });

    test('a volume set whose app\'s preset contradicts the set\'s annotation', () => {
      const chart = freshChart();
      const local = new StorageClass(chart, 'local', { provisioner: StorageClass.NO_PROVISIONER });
      const a = app(chart, {
        gitOps: GitOps.flux(),
        volumeClaims: [{ name: 'data', size: Size.gibibytes(10), mountPath: '/var/lib/db', storageClass: local }],
      });
      expect(() => new HostPathVolumeSet(chart, 'volumes', {
        app: a, claim: 'data', paths: VolumePaths.under('/mnt'), annotations: { [FLUX_PRUNE]: 'enabled' },
      })).toThrow('test/volumes: invalid gitOps of app test/db "GitOps.flux()": sets annotation kustomize.toolkit.fluxcd.io/prune: "disabled" '
        + 'on the PersistentVolumes, which annotations sets to "enabled"');
    });

    test('two different presets on the same objects: an app\'s own and its chart\'s', () => {
      const chart = freshChart();
      app(chart, { gitOps: GitOps.flux() });
      GitOps.applyTo(chart, GitOps.argoCd());
      expect(() => synth(chart)).toThrow('test: invalid GitOps.applyTo() preset "GitOps.argoCd()": test/db has GitOps.flux(): '
        + 'one tool manages these objects; give them one preset');
    });

    test('GitOps.applyTo twice on the same scope with different presets', () => {
      const chart = freshChart();
      GitOps.applyTo(chart, GitOps.argoCd());
      GitOps.applyTo(chart, GitOps.argoCd());
      expect(() => GitOps.applyTo(chart, GitOps.flux())).toThrow('test: invalid GitOps.applyTo() preset "GitOps.flux()": test already has '
        + 'GitOps.argoCd(): one tool manages these objects; apply one preset');
    });

    test('a plain object instead of a preset', () => {
      const fake = { tool: 'ArgoCD' } as unknown as GitOps;
      expect(() => app(freshChart(), { gitOps: fake })).toThrow('test/db: invalid gitOps {"tool":"ArgoCD"}: must be GitOps.argoCd() or GitOps.flux()');
      expect(() => GitOps.applyTo(freshChart(), fake)).toThrow('GitOps.applyTo(): invalid preset {"tool":"ArgoCD"}: must be GitOps.argoCd() or GitOps.flux()');
      expect(() => new StorageClass(freshChart(), 'fast', { provisioner: 'x.io/y', gitOps: fake }))
        .toThrow('test/fast: invalid gitOps {"tool":"ArgoCD"}: must be GitOps.argoCd() or GitOps.flux()');
    });
  });
});

test('an ApiObject of any kind under a preset keeps annotations it already has with the same value', () => {
  const chart = freshChart();
  new ApiObject(chart, 'policy', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'deny-all', annotations: { [SYNC_WAVE]: '1' } },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  });
  GitOps.applyTo(chart, GitOps.argoCd());
  expect(findObject(synth(chart), 'NetworkPolicy').metadata.annotations).toEqual({ [SYNC_WAVE]: '1' });
});
