/**
 * The base of every Loom stack. It carries the platform's settings — name, cloud, region or
 * project, environment, labels, state backend — which the constructs inside read through
 * {@link platformOf}, the way an aws-cdk construct reads its Stack's region; its Terraform backend
 * comes from the settings' `state`, so that every stack of a platform keeps its state in the same
 * place, one key per stack; and its cross-stack outputs are sensitive only when they carry a
 * secret, so that a plan of a consuming stack shows the cluster names, role ARNs and VPC ids it
 * uses (cdktf marks every one sensitive).
 */
import { Construct, type IConstruct } from 'constructs';
import { GcsBackend, LocalBackend, S3Backend, TerraformStack, type TerraformOutput } from 'cdktf';
import { resolvePlatformContext, s3StateRegion, type PlatformContext } from '../../plan';
import type { PlatformSettingsInput } from '../../schema/schema';
import { validateSettings } from '../../schema/props';
import { PlatformValidationError, validProps } from './errors';
import { addCloudProvider } from './cloud-provider';

/** Props of {@link LoomStack}. */
export interface LoomStackProps {
  /**
   * The platform's settings: the top-level keys of platform.yaml (`name`, `cloud`, `region`,
   * `gcpProject`, `environment`, `labels`, `state`, `machineTypes`), validated like the spec's;
   * or the context of another Loom stack (`otherStack.platform`), to share it as is.
   */
  readonly platform: PlatformSettingsInput | PlatformContext;
  /**
   * Configure the provider of the platform's cloud (aws, gcp) in this stack, with the platform's
   * region, project and labels. Cloud-side stacks (network, clusters, services) want it; add-ons
   * stacks talk to a cluster only.
   * @default false
   */
  readonly cloudProvider?: boolean;
}

const isContext = (p: PlatformSettingsInput | PlatformContext): p is PlatformContext => 'settings' in p && typeof (p as PlatformContext).settings === 'object';

/**
 * A Terraform stack that carries the platform's settings, keeps its state in the platform's
 * backend, and marks only secret-carrying cross-stack outputs sensitive (see the module comment).
 */
export class LoomStack extends TerraformStack {
  /** The nearest Loom stack that holds `construct`. */
  static of(construct: IConstruct): LoomStack {
    for (let s: IConstruct | undefined = construct; s; s = s.node.scope) {
      if (s instanceof LoomStack) return s;
    }
    throw new PlatformValidationError('is not inside a LoomStack; create it in a LoomStack (or a stack of MlPlatform), which carries the platform settings', construct);
  }

  /** The platform's settings, as every construct in this stack reads them. */
  readonly platform: PlatformContext;

  constructor(scope: Construct, id: string, props: LoomStackProps) {
    super(scope, id);
    this.platform = isContext(props.platform) ? props.platform : resolvePlatformContext(validProps(this, validateSettings(props.platform)));
    configureBackend(this, id, this.platform);
    if (props.cloudProvider) addCloudProvider(this, this.platform);
  }

  /** @internal cdktf's hook for a value another stack reads; see {@link isSecretReference}. */
  registerOutgoingCrossStackReference(identifier: string): TerraformOutput {
    const output = super.registerOutgoingCrossStackReference(identifier);
    output.sensitive = isSecretReference(identifier);
    return output;
  }
}

/** The settings of the platform `construct` belongs to (from its {@link LoomStack}). */
export function platformOf(construct: IConstruct): PlatformContext {
  return LoomStack.of(construct).platform;
}

/**
 * Attributes and inputs whose values are secrets (sensitive in their providers' schemas, or by
 * name): access keys' secrets, private keys, passwords, tokens. Terraform refuses an output of
 * such a value that is not marked sensitive, so erring towards sensitive is the safe side.
 */
const SECRET_ATTRIBUTE = /(secret|password|private_key|token|key_material|passphrase|credential)/i;

/** Whether a cross-stack reference (`<type>.<name>.<attribute>…` or `var.<name>`) carries a secret. */
export function isSecretReference(identifier: string): boolean {
  const path = identifier.replace(/^\$\{|\}$/g, '');
  const parts = path.split('.');
  // resource type and name say nothing about the value (`aws_iam_access_key.Harbor` has an `id` too)
  const attribute = parts[0] === 'var' || parts[0] === 'local' ? parts.slice(1).join('.') : parts.slice(2).join('.');
  // A generated password is its `result`.
  if (parts[0] === 'random_password') return true;
  return SECRET_ATTRIBUTE.test(attribute) || (parts[0] === 'data' && SECRET_ATTRIBUTE.test(parts.slice(3).join('.')));
}

/** Points `stack`'s state at the platform's backend, one state file per stack. */
export function configureBackend(stack: TerraformStack, stackName: string, platform: PlatformContext): void {
  const state = platform.state;
  switch (state.backend) {
    case 'local':
      new LocalBackend(stack, { path: `${state.path ?? '../../../terraform-state'}/${stackName}.tfstate` });
      break;
    case 's3':
      new S3Backend(stack, {
        bucket: state.bucket,
        key: `${state.prefix}/${stackName}.tfstate`,
        // Validation makes sure there is one (schema/rules.ts).
        region: s3StateRegion(platform.settings) ?? 'us-east-1',
        encrypt: true,
        ...(state.kmsKeyId ? { kmsKeyId: state.kmsKeyId } : {}),
        // An S3-compatible store (MinIO, Ceph RGW, …) has no STS, IAM or instance metadata, often
        // no virtual-host DNS, and may reject the SDK's default checksums.
        ...(state.endpoint
          ? {
              endpoints: { s3: state.endpoint },
              usePathStyle: true,
              skipCredentialsValidation: true,
              skipRegionValidation: true,
              skipRequestingAccountId: true,
              skipMetadataApiCheck: true,
              skipS3Checksum: true,
            }
          : {}),
      });
      // S3-native state locking (Terraform ≥ 1.10); cdktf 0.21's S3Backend predates the option.
      stack.addOverride('terraform.backend.s3.use_lockfile', true);
      break;
    case 'gcs':
      new GcsBackend(stack, { bucket: state.bucket, prefix: `${state.prefix}/${stackName}` });
      break;
  }
}
