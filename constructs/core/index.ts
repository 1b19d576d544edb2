export * from './contracts';
export * from './errors';
export * from './stack';
export * as cdk from './cdk';
export * from './cloud-provider';
export * from './pools';
