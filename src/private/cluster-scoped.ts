import { ApiObject, Chart, JsonPatch } from 'cdk8s';

// Keeps cluster-scoped objects (PersistentVolume, StorageClass) free of a namespace. Not part of the
// public API.

/**
 * cdk8s stamps the chart's namespace on every ApiObject; a cluster-scoped object must not carry one.
 */
export function clusterScoped(obj: ApiObject): void {
  if (Chart.of(obj).namespace !== undefined) {
    obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
