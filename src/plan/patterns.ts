/**
 * Recognising the stateful systems whose day-2 operations need more than Kubernetes knows: a
 * ZooKeeper ensemble (quorum) and a Cassandra ring (token ownership), from the pod template.
 */
import { arr, int, isObj, Obj, obj, str } from './k8s';

function containers(spec: Obj): Obj[] {
  return arr(obj(obj(spec, 'template'), 'spec'), 'containers').filter(isObj);
}

function ports(c: Obj): number[] {
  return arr(c, 'ports').filter(isObj).map((p) => int(p, 'containerPort')).filter((p): p is number => p !== undefined);
}

/** A ZooKeeper-shaped StatefulSet: an image containing `zookeeper`, or a container port 2888 or 3888. */
export function isZooKeeper(spec: Obj): boolean {
  return containers(spec).some((c) => (str(c, 'image') ?? '').toLowerCase().includes('zookeeper')
    || ports(c).some((p) => p === 2888 || p === 3888));
}

/** A Cassandra-shaped StatefulSet: an image containing `cassandra`, or container ports 7000 and 9042. */
export function isCassandra(spec: Obj): boolean {
  return containers(spec).some((c) => {
    const p = ports(c);
    return (str(c, 'image') ?? '').toLowerCase().includes('cassandra') || (p.includes(7000) && p.includes(9042));
  });
}
