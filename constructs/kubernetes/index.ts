export * from './providers';
export * from './namespace';
export * from './priority-classes';
export * from './platform-config';
