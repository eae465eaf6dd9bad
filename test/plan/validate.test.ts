// Create-time validation of the StatefulSets and budgets the plan reads, as the API server applies
// it after defaulting (ValidateStatefulSet / ValidateStatefulSetSpec / validateRollingUpdateStatefulSet
// in pkg/apis/apps/validation, ValidatePodDisruptionBudgetSpec in pkg/apis/policy/validation): each
// violation is refused, so the plan exits 1.
import { parseDocument } from 'yaml';
import { FIXTURES, run } from './helpers';

/** A valid StatefulSet with its headless Service, changed by `edit`. */
function statefulSet(edit: (sts: any) => void = () => undefined): string {
  const doc = parseDocument(`apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  selector:
    matchLabels: { app: db }
  template:
    metadata:
      labels: { app: db }
    spec:
      containers: [{ name: db, image: postgres:16 }]
  volumeClaimTemplates:
    - metadata: { name: data }
      spec:
        accessModes: [ReadWriteOnce]
        resources: { requests: { storage: 1Gi } }
`);
  const sts = doc.toJS();
  edit(sts);
  return `${JSON.stringify(sts)}\n---\napiVersion: v1\nkind: Service\nmetadata: { name: db }\nspec: { clusterIP: None, selector: { app: db } }\n`;
}

function budget(spec: string): string {
  return `${statefulSet()}---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: { name: db }\nspec: { selector: { matchLabels: { app: db } }, ${spec} }\n`;
}

function refusedOf(text: string): { code: number; refused: string[]; pods: number } {
  const { code, stdout, stderr } = run(['plan', '-', '--json'], FIXTURES, text);
  expect(stderr).toBe('');
  const json = JSON.parse(stdout);
  const problems = [...json.statefulSets.flatMap((s: any) => s.problems), ...json.problems];
  return { code, refused: problems.filter((p: any) => p.refused).map((p: any) => p.message), pods: json.summary.pods };
}

test('the valid StatefulSet and budget: nothing refused, exit 0', () => {
  expect(refusedOf(budget('maxUnavailable: 1'))).toEqual({ code: 0, refused: [], pods: 3 });
});

describe.each([
  ['OnDelete with rollingUpdate', (s: any) => { s.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { partition: 1 } }; },
    'spec.updateStrategy.rollingUpdate is set with updateStrategy OnDelete, but it is only allowed with RollingUpdate'],
  ['OnDelete with an empty rollingUpdate (it decodes to a set struct)', (s: any) => { s.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: {} }; },
    'spec.updateStrategy.rollingUpdate is set with updateStrategy OnDelete, but it is only allowed with RollingUpdate'],
  ['partition -1', (s: any) => { s.spec.updateStrategy = { rollingUpdate: { partition: -1 } }; },
    'spec.updateStrategy.rollingUpdate.partition is -1, below 0'],
  ['rolling maxUnavailable 0', (s: any) => { s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } }; },
    'spec.updateStrategy.rollingUpdate.maxUnavailable is 0, which is not allowed'],
  ['rolling maxUnavailable "0%"', (s: any) => { s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '0%' } }; },
    'spec.updateStrategy.rollingUpdate.maxUnavailable is 0, which is not allowed'],
  ['an unknown update strategy', (s: any) => { s.spec.updateStrategy = { type: 'Recreate' }; },
    'spec.updateStrategy.type "Recreate" is not valid'],
  ['restartPolicy OnFailure', (s: any) => { s.spec.template.spec.restartPolicy = 'OnFailure'; },
    'spec.template.spec.restartPolicy "OnFailure" is not supported (a StatefulSet\'s pods must restart Always)'],
  ['activeDeadlineSeconds', (s: any) => { s.spec.template.spec.activeDeadlineSeconds = 600; },
    'spec.template.spec.activeDeadlineSeconds is set, which a StatefulSet does not support'],
  ['negative minReadySeconds', (s: any) => { s.spec.minReadySeconds = -5; },
    'spec.minReadySeconds is -5, below 0'],
  ['negative ordinals.start', (s: any) => { s.spec.ordinals = { start: -1 }; },
    'spec.ordinals.start is -1, below 0'],
  ['negative replicas', (s: any) => { s.spec.replicas = -1; },
    'spec.replicas is -1, below 0'],
  ['an invalid pod management policy', (s: any) => { s.spec.podManagementPolicy = 'AllAtOnce'; },
    'spec.podManagementPolicy "AllAtOnce" is not valid'],
  ['an invalid claim retention', (s: any) => { s.spec.persistentVolumeClaimRetentionPolicy = { whenScaled: 'Keep' }; },
    'spec.persistentVolumeClaimRetentionPolicy.whenScaled "Keep" is not valid'],
  ['no selector', (s: any) => { delete s.spec.selector; },
    'spec.selector is missing (apps/v1 requires it)'],
  ['an empty selector', (s: any) => { s.spec.selector = {}; },
    'spec.selector is empty (an empty selector is invalid for a StatefulSet)'],
  ['a selector operator that does not exist', (s: any) => { s.spec.selector.matchExpressions = [{ key: 'app', operator: 'Equals', values: ['db'] }]; },
    'spec.selector.matchExpressions[0].operator "Equals" is not one of In, NotIn, Exists, DoesNotExist'],
  ['a name that is not a DNS label', (s: any) => { s.metadata.name = 'Orders_DB'; },
    'metadata.name "Orders_DB" is not a DNS label (at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit)'],
])('%s', (_name, edit, message) => {
  test('is refused: exit 1', () => {
    const { code, refused } = refusedOf(statefulSet(edit));
    expect(refused).toEqual([`${message}: the API server refuses it`]);
    expect(code).toBe(1);
  });
});

test('a StatefulSet without a name is refused and no pod is planned (no pods named -0)', () => {
  const { code, refused, pods } = refusedOf(statefulSet((s) => { delete s.metadata.name; }));
  expect(code).toBe(1);
  expect(refused).toEqual(['metadata.name is missing (the pods would be named -0, -1, ...): the API server refuses it']);
  expect(pods).toBe(0);
  const text = run(['plan', '-'], FIXTURES, statefulSet((s) => { delete s.metadata.name; })).stdout;
  expect(text).not.toMatch(/ -0 /);
  expect(text).toContain('the StatefulSet has no name: no pod is planned');
});

test('a claim template without a name is an error, not a refusal: the API server accepts the StatefulSet', () => {
  const { code, stdout } = run(['plan', '-', '--json'], FIXTURES, statefulSet((s) => { delete s.spec.volumeClaimTemplates[0].metadata.name; }));
  expect(code).toBe(0);
  const [sts] = JSON.parse(stdout).statefulSets;
  expect(sts.problems.map((p: any) => [p.severity, p.refused, p.message.split(':')[0]])).toEqual([
    ['error', false, 'a volumeClaimTemplate has no metadata.name'],
  ]);
  expect(sts.pods[0].claims).toEqual([]);
});

test('defaults are valid: "" for podManagementPolicy, updateStrategy.type and restartPolicy, null rollingUpdate with OnDelete', () => {
  const text = statefulSet((s) => {
    s.spec.podManagementPolicy = '';
    s.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: null };
    s.spec.template.spec.restartPolicy = '';
    s.spec.persistentVolumeClaimRetentionPolicy = { whenScaled: '', whenDeleted: 'Delete' };
  });
  expect(refusedOf(text)).toMatchObject({ code: 0, refused: [] });
});

describe.each([
  ['both minAvailable and maxUnavailable', 'minAvailable: 2, maxUnavailable: 1', 'spec.minAvailable and spec.maxUnavailable are both set, which is not allowed'],
  ['minAvailable above 100%', 'minAvailable: "150%"', 'spec.minAvailable "150%" is more than 100%'],
  ['a negative maxUnavailable', 'maxUnavailable: -1', 'spec.maxUnavailable is -1, below 0'],
  ['maxUnavailable that is neither a number nor a percentage', 'maxUnavailable: one', 'spec.maxUnavailable "one" is neither an integer nor a percentage like "25%"'],
])('a budget with %s', (_name, spec, message) => {
  test('is refused: exit 1', () => {
    const { code, refused } = refusedOf(budget(spec));
    expect(refused).toEqual([`${message}: the API server refuses it`]);
    expect(code).toBe(1);
  });
});

describe('maps of strings hold strings: the JSON decoder refuses an unquoted number or boolean', () => {
  test('a StatefulSet label, template label or matchLabels value', () => {
    const { code, refused } = refusedOf(statefulSet((s) => {
      s.metadata.labels = { version: 1 };
      s.spec.template.metadata.labels.canary = true;
      s.spec.selector.matchLabels.tier = 2;
      s.spec.template.metadata.labels.tier = '2';
    }));
    expect(code).toBe(1);
    expect(refused).toEqual([
      'metadata.labels.version is 1, not a string: the API server refuses it',
      'spec.template.metadata.labels.canary is true, not a string: the API server refuses it',
      'spec.selector.matchLabels.tier is 2, not a string: the API server refuses it',
    ]);
  });

  test('a StorageClass parameter, a Service selector, a claim annotation', () => {
    const text = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: fast }
provisioner: ebs.csi.aws.com
parameters: { type: gp3, iops: 3000 }
---
apiVersion: v1
kind: Service
metadata: { name: db }
spec: { clusterIP: None, selector: { app: db, shard: 1 } }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: extra, annotations: { backup: yes } }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`;
    const { code, refused } = refusedOf(text);
    expect(code).toBe(1);
    // kubectl reads YAML 1.1, where an unquoted yes is a boolean; so does the plan.
    expect(refused).toEqual([
      'spec.selector.shard is 1, not a string: the API server refuses it',
      'metadata.annotations.backup is true, not a string: the API server refuses it',
      'parameters.iops is 3000, not a string: the API server refuses it',
    ]);
  });
});
