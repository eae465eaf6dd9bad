export * from './cassandra-ring';
export * from './container';
export * from './stateful-app';
export * from './storage-class';
export * from './static-volume-set';
export * from './host-path-volume-set';
export * from './nfs-volume-set';
export * from './zookeeper-ensemble';
