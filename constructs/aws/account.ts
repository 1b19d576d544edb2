/**
 * The AWS account and identity a stack is applied with, read once per stack: the account id and
 * partition (for account-root principals in key policies) and the IAM identity running Terraform
 * (the creator's EKS access entry). `aws_iam_session_context` turns an assumed-role session ARN
 * (`arn:aws:sts::…:assumed-role/ci/session`) into the role's ARN, which is what EKS access entries
 * and key policies take; terraform-aws-modules/eks does the same.
 */
import { Construct } from 'constructs';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { TerraformStack } from '../core/cdk';

/** The account, partition and identity the stack's AWS provider runs as, read by data sources. */
export interface AwsAccount {
  /** The account's id. @attribute */
  readonly accountId: string;
  /** `aws`, `aws-cn`, `aws-us-gov`. @attribute */
  readonly partition: string;
  /** `arn:<partition>:iam::<account>:root`: delegates to IAM in key policies. @attribute */
  readonly rootArn: string;
  /** The IAM role or user ARN running Terraform (the issuer of an assumed-role session). @attribute */
  readonly callerArn: string;
}

const ID = 'AwsAccount';

/** The stack's {@link AwsAccount}, created on first use (one set of data sources per stack). */
export function awsAccount(scope: Construct): AwsAccount {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(ID) as AccountData | undefined;
  return existing ?? new AccountData(stack, ID);
}

class AccountData extends Construct implements AwsAccount {
  readonly accountId: string;
  readonly partition: string;
  readonly rootArn: string;
  readonly callerArn: string;
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const caller = new DataAwsCallerIdentity(this, 'Caller');
    const partition = new DataAwsPartition(this, 'Partition');
    const session = new DataAwsIamSessionContext(this, 'Session', { arn: caller.arn });
    this.accountId = caller.accountId;
    this.partition = partition.partition;
    this.rootArn = `arn:${partition.partition}:iam::${caller.accountId}:root`;
    this.callerArn = session.issuerArn;
  }
}
