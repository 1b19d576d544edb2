export * from './schema';
export * from './issues';
export * from './load';
export * from './rules';
export * from './regions';
export * from './machine-types';
export * from './kubernetes-versions';
export * from './plan';
