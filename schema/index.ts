export * from './schema';
export * from './issues';
export * from './load';
export * from './rules';
export * from '../catalog/regions';
export * from '../catalog/machine-types';
export * from '../catalog/kubernetes-versions';
export * from '../plan';
