export * from './contract';
export * from './registry';
export * from './monitoring';
export { eksClusterOf, gkeClusterOf } from './clusters';
export * from './table';
export { componentRelease, statefulPlacement, type ComponentReleaseProps } from './helm';
