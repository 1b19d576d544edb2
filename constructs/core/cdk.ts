/**
 * The one module that imports `cdktf`. Everything else imports these names from here, so that a
 * move to CDK Terrain (`cdktn`), the community continuation, is a change to this file plus the
 * provider import paths.
 */
export {
  App,
  TerraformStack,
  TerraformOutput,
  TerraformVariable,
  TerraformResource,
  TerraformElement,
  TerraformProvider,
  TerraformDataSource,
  TerraformIterator,
  TerraformLocal,
  TerraformAsset,
  AssetType,
  Fn,
  Token,
  Lazy,
  Aspects,
  Annotations,
  Testing,
  LocalBackend,
  S3Backend,
  GcsBackend,
  dependable,
} from 'cdktf';
export type { IAspect, ITerraformDependable } from 'cdktf';
export { Construct } from 'constructs';
export type { IConstruct } from 'constructs';
