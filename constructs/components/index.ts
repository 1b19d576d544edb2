export * from './contract';
export * from './registry';
export * from './monitoring';
export { eksClusterOf, gkeClusterOf } from './clusters';
