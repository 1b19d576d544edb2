/** The object stores built components keep files in: S3, GCS, or the data centre's S3-compatible store. */
export * from './names';
export * from './props';
export * from './s3-object-store';
export * from './gcs-object-store';
export * from './existing-object-store';
