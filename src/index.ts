export * from './container';
export * from './stateful-app';
