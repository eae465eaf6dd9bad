import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from './helpers';

// A claim that leaves the manifests is deleted by a pruning sync, unless its annotations tell the
// GitOps tool to keep it (Argo CD Prune=false, Flux prune: disabled): the plan says which.

const STS = `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  serviceName: db
  replicas: 1
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: "db:1" }] }
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 10Gi } } }
`;

function claim(name: string, annotations: string): string {
  return `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
  namespace: shop
  annotations: { ${annotations} }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 50Gi } } }
`;
}

function planRemoval(deployedClaims: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-kept-'));
  try {
    fs.writeFileSync(path.join(root, 'old.yaml'), STS + deployedClaims);
    fs.writeFileSync(path.join(root, 'new.yaml'), STS);
    const result = run(['plan', 'new.yaml', '--against', 'old.yaml'], root);
    expect(result.code).toBe(0);
    return result.stdout;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test('a claim Argo CD keeps (Prune=false) is said to stay, and which StatefulSet uses it', () => {
  const out = planRemoval(claim('data-db-0', '"argocd.argoproj.io/sync-options": "Prune=false,Delete=false"'));
  expect(out).toContain('PersistentVolumeClaim shop/data-db-0: removed');
  expect(out).toContain('no longer in the input, but Argo CD (argocd.argoproj.io/sync-options: Prune=false,Delete=false) keeps it: '
    + 'it stays in the cluster with its data; StatefulSet db goes on using it, as the claim of its pod');
});

test('a claim Flux keeps (prune: disabled), of no StatefulSet', () => {
  const out = planRemoval(claim('scratch', '"kustomize.toolkit.fluxcd.io/prune": disabled'));
  expect(out).toContain('no longer in the input, but Flux (kustomize.toolkit.fluxcd.io/prune: disabled) keeps it: it stays in the cluster with its data (kubectl');
  expect(out).not.toContain('goes on using it');
});

test('a claim without those annotations is deleted by a pruning sync', () => {
  const out = planRemoval(claim('data-db-0', '"example.com/owner": shop'));
  expect(out).toContain('no longer in the input: if the deployment prunes it (Argo CD or Flux with pruning, kubectl apply --prune), it is deleted');
});
