/**
 * The policy engine's vocabulary: what a rule is, what it sees (the synthesized Terraform JSON of
 * every stack, overrides included, with each resource's construct path), and what it reports.
 * Nothing here imports cdktf: the engine reads plain synthesized JSON, Loom's or any cdktf app's.
 */

/** trivy's four levels. CRITICAL and HIGH are errors (synth stops); MEDIUM and LOW are warnings. */
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** The packs a spec can hold its platform to (`policies.packs`). */
export const PACKS = ['baseline', 'prod', 'regulated'] as const;
/** One of {@link PACKS}. */
export type PackName = (typeof PACKS)[number];

/** The catalogue's twelve areas (the `<AREA>` of `LOOM-<AREA>-NNN`). */
export const AREAS = {
  NET: 'Region / zone / CIDR assignment',
  PEER: 'Network peering',
  INST: 'Instance provisioning',
  HARD: 'Security and OS hardening',
  ING: 'Ingress',
  AS: 'Autoscaling',
  MON: 'Metric collection and monitoring',
  COST: 'Cost monitoring',
  IAM: 'Identity and permissions',
  RES: 'Data residency',
  ENC: 'Encryption',
  BAK: 'Backup and state',
} as const;
/** One of the {@link AREAS}' keys. */
export type Area = keyof typeof AREAS;

/** What a rule reads. */
export type Provider = 'aws' | 'google' | 'kubernetes' | 'helm' | 'terraform';

/** A rule's severity in each pack (a pack without an entry takes `baseline`'s). */
export interface PackSeverities {
  /** In the baseline pack (every rule is in it). */
  readonly baseline: Severity;
  /** In the prod pack. */
  readonly prod?: Severity;
  /** In the regulated pack. */
  readonly regulated?: Severity;
}

/** One resource (or data source) of a synthesized stack. */
export interface SynthResource {
  /** The stack it is in. */
  readonly stack: string;
  /** The Terraform type, e.g. `aws_eks_cluster` (data sources: `data.aws_iam_policy_document`). */
  readonly type: string;
  /** Its name in the stack's JSON (cdktf's logical id). */
  readonly name: string;
  /** `type.name` (data sources `data.type.name`), as Terraform addresses it. */
  readonly address: string;
  /** The construct path (`//.metadata.path`), e.g. `acme-cluster-apps/Cluster/Resource`; the address when absent. */
  readonly path: string;
  /** The resource's JSON, as synthesized (overrides and escape hatches applied). */
  readonly values: Readonly<Record<string, unknown>>;
}

/** One synthesized stack. */
export interface SynthStack {
  /** Its name. */
  readonly name: string;
  /** Its resources and data sources, in file order. */
  readonly resources: readonly SynthResource[];
  /** Provider blocks by provider name (each a list, as cdktf writes them). */
  readonly providers: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  /** The backend: its type (`s3`, `gcs`, `local`, …) and configuration. */
  readonly backend?: { readonly type: string; readonly config: Readonly<Record<string, unknown>> };
  /** Outputs by name (their `value`). */
  readonly outputs: Readonly<Record<string, unknown>>;
}

/** What the engine knows about the platform beyond the JSON (from the spec; defaults when checking a bare directory). */
export interface PolicySettings {
  /** The platform's environment. */
  readonly environment: 'dev' | 'staging' | 'prod';
  /** The packs in force. */
  readonly packs: readonly PackName[];
  /** `dataResidency.allowedRegions` (empty: no residency constraint). */
  readonly allowedRegions: readonly string[];
  /** Managed services forbidden by residency (`dataResidency.managedServices: forbidden`). */
  readonly managedServicesForbidden: boolean;
  /** The cloud of the platform, when known. */
  readonly cloud?: 'aws' | 'gcp' | 'kubernetes';
  /** The evaluation date (YYYY-MM-DD): exceptions expire against it. */
  readonly today: string;
}

/** Everything a rule can look at. */
export interface RuleContext {
  /** Every stack. */
  readonly stacks: readonly SynthStack[];
  /** The settings. */
  readonly settings: PolicySettings;
  /** Every resource of `types` (any stack), in stack then file order. */
  resources(...types: string[]): readonly SynthResource[];
  /** The resource a `${type.name.attr}` reference points at, following cross-stack outputs; undefined when it cannot be followed. */
  resolve(from: SynthResource | SynthStack | string, reference: unknown): SynthResource | undefined;
  /** The resources in `stack` whose values reference `target` (by `${type.name…}`). */
  referencing(target: SynthResource, ...types: string[]): readonly SynthResource[];
  /** The stack named `name`. */
  stack(name: string): SynthStack | undefined;
}

/** Where a finding points, when not at one resource (a provider block, a backend). */
export interface FindingLocation {
  /** The stack. */
  readonly stack: string;
  /** A path within it (`provider.aws`, `terraform.backend`). */
  readonly path: string;
  /** An address to show (defaults to the path). */
  readonly address?: string;
}

/** What a rule found wrong (or could not decide) about one resource. */
export interface RuleFinding {
  /** The resource (or location). */
  readonly resource: SynthResource | FindingLocation;
  /** What is wrong, specifically (`endpoint_public_access is true with public_access_cidrs 0.0.0.0/0`). */
  readonly message: string;
  /** A finer id for granular exceptions (`Action::s3:*`), shown as `RULE[detail]`. */
  readonly detail?: string;
  /** The rule could not decide (an unresolved reference, values it cannot read): reported as unknown, never as an error. */
  readonly unknown?: boolean;
  /** This finding's severity when it differs from the rule's (e.g. ports CRITICAL, descriptions MEDIUM). */
  readonly severity?: Severity | PackSeverities;
  /**
   * False: no exception may cover this finding in prod, whatever the rule allows (full admin of
   * LOOM-IAM-001, world-open SSH of LOOM-ING-002).
   * @default the rule's `suppressible`
   */
  readonly suppressible?: boolean;
}

/** A rule of the catalogue (`../shared/guides/policy-rules.md`): one per file, grouped by area. */
export interface PolicyRule {
  /** `LOOM-<AREA>-NNN`. */
  readonly id: string;
  /** Its area. */
  readonly area: Area;
  /** A short title (`The Kubernetes API endpoint is private or allow-listed`). */
  readonly title: string;
  /** Its severity per pack. */
  readonly severity: PackSeverities;
  /** Why it matters. */
  readonly rationale: string;
  /** How to fix a finding (the Loom spec key or construct prop when there is one). */
  readonly fix: string;
  /** The anchors' ids it corresponds to (cdk-nag, checkov, trivy, CIS, PSS). */
  readonly anchors: readonly string[];
  /** What it reads. */
  readonly providers: readonly Provider[];
  /**
   * False: no exception may silence it in prod (the catalogue's non-suppressible rules).
   * @default true
   */
  readonly suppressible?: boolean;
  /** Evaluates the rule over every stack: what is wrong, or undecidable. */
  evaluate(ctx: RuleContext): readonly RuleFinding[];
}
