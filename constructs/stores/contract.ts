/**
 * The backing stores built components run on — a PostgreSQL database, an object store — as
 * contracts, so that a component (MLflow's backend store and artifacts, Feast's registry and
 * offline store, later pipelines' archive and serving's models) reads the same coordinates on every
 * target: RDS or Cloud SQL or a CloudNativePG cluster, S3 or GCS or the data centre's S3-compatible
 * store. No secret value is ever part of a contract: a password is a reference to where it lives.
 */
import type { IConstruct } from 'constructs';
import type { IKubernetesCluster } from '../core/contracts';

/** Where a secret value lives; the value itself never appears in the synthesized JSON. */
export type SecretReference =
  | {
      /** AWS Secrets Manager (RDS keeps its managed master password there). */
      readonly kind: 'aws-secrets-manager';
      /** The secret's ARN. @attribute */
      readonly arn: string;
      /** The JSON key of the value inside the secret (`password` for RDS-managed secrets). */
      readonly jsonKey: string;
    }
  | {
      /** Google Secret Manager. */
      readonly kind: 'gcp-secret-manager';
      /**
       * The secret's name (its `secret_id`) in the platform's project; the value is a JSON document
       * (`{"username", "password"}` for database users). @attribute
       */
      readonly secretId: string;
    }
  | {
      /** A Kubernetes Secret an operator keeps (CloudNativePG's generated application secret). */
      readonly kind: 'kubernetes';
      /** Its namespace. */
      readonly namespace: string;
      /** Its name. */
      readonly name: string;
      /** The key of the value in it. */
      readonly key: string;
    };

/** A cloud identity a workload runs as, to which a store grants access. */
export type WorkloadIdentity =
  | {
      /** An IAM role (IRSA or EKS Pod Identity). */
      readonly kind: 'aws-iam-role';
      /** The role's name. @attribute */
      readonly roleName: string;
      /** The role's ARN. @attribute */
      readonly roleArn: string;
    }
  | {
      /** A Google service account (GKE Workload Identity). */
      readonly kind: 'gcp-service-account';
      /** The service account's email. @attribute */
      readonly email: string;
    };

/** Read, or read and write. */
export type StoreAccess = 'read' | 'write';

/** A PostgreSQL database a component keeps its metadata in. */
export interface IPostgres extends IConstruct {
  /** What provides it. */
  readonly engine: 'rds' | 'cloud-sql' | 'cloudnative-pg';
  /** The host clients connect to (private: inside the platform's network or cluster only). @attribute */
  readonly host: string;
  /** The port, 5432. */
  readonly port: number;
  /** The database created for the component. */
  readonly databaseName: string;
  /** The user the component connects as. */
  readonly username: string;
  /**
   * Where that user's password lives (never the value). Undefined where the user signs in with its
   * cloud identity instead (Cloud SQL IAM database authentication).
   */
  readonly passwordSecret?: SecretReference;
  /** Whether connections must use TLS (always, on every engine Loom creates). */
  readonly requireTls: boolean;
  /** Lets the pods of `cluster` connect (security group rule, authorized network, or nothing where the cluster is the database's own). */
  allowFrom(cluster: IKubernetesCluster): void;
}

/** A bucket (or a prefix of one) a component keeps files in. */
export interface IObjectStore extends IConstruct {
  /** What provides it. */
  readonly kind: 's3' | 'gcs' | 's3-compatible';
  /** The bucket's name. @attribute */
  readonly bucketName: string;
  /** The prefix inside the bucket the component owns, without leading or trailing slash ('' for the whole bucket). */
  readonly prefix: string;
  /** `s3://<bucket>/<prefix>` or `gs://<bucket>/<prefix>`, as MLflow and Feast take it. @attribute */
  readonly uri: string;
  /** The bucket's region (s3, gcs). */
  readonly region?: string;
  /** The S3-compatible endpoint (s3-compatible only); clients use path-style addressing. */
  readonly endpoint?: string;
  /**
   * Where the credentials for an S3-compatible store are: a Kubernetes Secret in `loom-system`
   * holding `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (s3-compatible only; cloud stores are
   * reached through workload identity instead).
   */
  readonly credentialsSecret?: string;
  /** Grants `identity` read, or read and write, on the store's prefix (cloud stores; an S3-compatible store's access is its credentials'). */
  grant(identity: WorkloadIdentity, access: StoreAccess): void;
}

/**
 * A Redis-protocol key/value store a component keeps online data in (Feast's online store):
 * ElastiCache for Valkey, Memorystore, or the valkey chart on the component's cluster.
 */
export interface IKeyValueStore extends IConstruct {
  /** What provides it. */
  readonly engine: 'elasticache' | 'memorystore' | 'valkey';
  /** The host clients connect to — the primary's (private: inside the platform's network or cluster only). @attribute */
  readonly host: string;
  /** The port, 6379. */
  readonly port: number;
  /** Whether clients must connect with TLS (`rediss://`). */
  readonly tls: boolean;
  /**
   * Where the password (AUTH token) clients present lives — never the value. Undefined only where
   * the store takes no password.
   */
  readonly authSecret?: SecretReference;
  /** Lets the pods of `cluster` connect (security group rule, or a check that the cluster can reach the store's private address). */
  allowFrom(cluster: IKubernetesCluster): void;
}
