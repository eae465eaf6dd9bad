export * from './cassandra-ring';
export * from './container';
export * from './stateful-app';
export * from './zookeeper-ensemble';
