/**
 * `loom ci github`: a GitHub Actions workflow that plans every stack on a pull request and applies
 * them on a push to the default branch, each stack's job needing the jobs of the stacks it reads
 * (the order `loom stacks` prints). Terraform runs in the directories `loom synth` wrote — one
 * synth job, its output handed to every stack job as an artifact — never a re-synth by the cdktf
 * CLI. Cloud credentials come from the runner's OIDC token (`id-token: write`): an IAM role on AWS,
 * a workload identity provider and service account on Google Cloud; no stored keys. The plans are
 * uploaded as artifacts and written to each job's summary for review.
 */
import { stringify } from 'yaml';
import type { PlatformSpec } from '../schema/schema';
import type { StackInfo } from './stacks';

export interface GithubWorkflowOptions {
  /** The spec's path in the repository, as the workflow's synth job reads it. */
  readonly specPath: string;
  /** Branch whose pushes apply. @default main */
  readonly branch?: string;
  /** AWS: the IAM role the jobs assume through OIDC. @default ${{ vars.LOOM_AWS_ROLE_ARN }} */
  readonly awsRoleArn?: string;
  /** Google Cloud: the workload identity provider's resource name. @default ${{ vars.LOOM_GCP_WORKLOAD_IDENTITY_PROVIDER }} */
  readonly gcpWorkloadIdentityProvider?: string;
  /** Google Cloud: the service account impersonated. @default ${{ vars.LOOM_GCP_SERVICE_ACCOUNT }} */
  readonly gcpServiceAccount?: string;
  /**
   * Runner label(s). Stacks that reach a private Kubernetes API need a runner that can reach it
   * (a self-hosted runner in the VPC, or one inside `privateAccessCidrs`).
   * @default ubuntu-latest
   */
  readonly runsOn?: string;
  /** Terraform version installed on the runner. @default 1.11.4 */
  readonly terraformVersion?: string;
}

/** Actions the workflow uses, pinned by major version in one place. */
const ACTIONS = {
  checkout: 'actions/checkout@v4',
  setupNode: 'actions/setup-node@v4',
  upload: 'actions/upload-artifact@v4',
  download: 'actions/download-artifact@v4',
  terraform: 'hashicorp/setup-terraform@v3',
  aws: 'aws-actions/configure-aws-credentials@v4',
  gcpAuth: 'google-github-actions/auth@v2',
  gcloud: 'google-github-actions/setup-gcloud@v2',
} as const;

const OUT = 'cdktf.out';

/** A job id GitHub accepts: letters, digits, `-` and `_`, starting with a letter. */
export const jobId = (phase: 'plan' | 'apply', stack: string): string => `${phase}-${stack}`.replace(/[^A-Za-z0-9_-]/g, '-');

/** The workflow as data (jobs keyed by id). */
export function githubWorkflow(spec: PlatformSpec, stacks: readonly StackInfo[], options: GithubWorkflowOptions): Record<string, unknown> {
  const branch = options.branch ?? 'main';
  const runsOn = options.runsOn ?? 'ubuntu-latest';
  const known = new Set(stacks.map((s) => s.name));
  const jobs: Record<string, unknown> = {
    synth: {
      name: 'loom synth',
      'runs-on': runsOn,
      steps: [
        { uses: ACTIONS.checkout },
        { uses: ACTIONS.setupNode, with: { 'node-version': 20, cache: 'npm' } },
        { run: 'npm ci' },
        { run: `npx loom synth ${options.specPath} --out ${OUT}` },
        { uses: ACTIONS.upload, with: { name: 'cdktf-out', path: OUT, 'include-hidden-files': true, 'retention-days': 7 } },
      ],
    },
  };
  for (const phase of ['plan', 'apply'] as const) {
    for (const stack of stacks) {
      const reads = stack.reads.filter((r) => known.has(r));
      jobs[jobId(phase, stack.name)] = {
        name: `${phase} ${stack.name}`,
        if: phase === 'plan' ? "github.event_name == 'pull_request'" : `github.event_name == 'push' && github.ref == 'refs/heads/${branch}'`,
        needs: ['synth', ...reads.map((r) => jobId(phase, r))],
        'runs-on': runsOn,
        ...(phase === 'apply' ? { environment: spec.environment } : {}),
        // Inputs (Harbor's secrets, …) come from repository secrets of the same name, upper-cased.
        ...(stack.variables.length ? { env: Object.fromEntries(stack.variables.map((v) => [`TF_VAR_${v}`, `\${{ secrets.${v.toUpperCase()} }}`])) } : {}),
        defaults: { run: { 'working-directory': `${OUT}/${stack.directory}` } },
        steps: [
          { uses: ACTIONS.download, with: { name: 'cdktf-out', path: OUT } },
          ...credentialSteps(spec, options),
          { uses: ACTIONS.terraform, with: { terraform_version: options.terraformVersion ?? '1.11.4', terraform_wrapper: false } },
          { run: 'terraform init -input=false' },
          ...(phase === 'plan'
            ? [
                { run: 'terraform plan -input=false -no-color -out=tfplan | tee plan.txt' },
                { run: `{ echo '### ${stack.name}'; echo '\`\`\`'; tail -c 60000 plan.txt; echo '\`\`\`'; } >> "$GITHUB_STEP_SUMMARY"` },
                { uses: ACTIONS.upload, with: { name: `plan-${stack.name}`, path: `${OUT}/${stack.directory}/plan.txt` } },
              ]
            : [{ run: 'terraform apply -input=false -auto-approve' }]),
        ],
      };
    }
  }
  return {
    name: `loom ${spec.name}`,
    on: { pull_request: { branches: [branch] }, push: { branches: [branch] } },
    permissions: { contents: 'read', 'id-token': 'write' },
    // One run at a time per branch: two applies must never interleave on the same state.
    concurrency: { group: `loom-${spec.name}-\${{ github.ref }}`, 'cancel-in-progress': false },
    env: { TF_IN_AUTOMATION: 'true', CHECKPOINT_DISABLE: '1' },
    jobs,
  };
}

function credentialSteps(spec: PlatformSpec, o: GithubWorkflowOptions): Record<string, unknown>[] {
  if (spec.cloud === 'aws' || (spec.state.backend === 's3' && !spec.state.endpoint)) {
    return [
      {
        uses: ACTIONS.aws,
        with: {
          'role-to-assume': o.awsRoleArn ?? '${{ vars.LOOM_AWS_ROLE_ARN }}',
          'aws-region': spec.region ?? (spec.state.backend === 's3' ? (spec.state.region ?? '') : ''),
        },
      },
    ];
  }
  if (spec.cloud === 'gcp' || spec.state.backend === 'gcs') {
    return [
      {
        uses: ACTIONS.gcpAuth,
        with: {
          workload_identity_provider: o.gcpWorkloadIdentityProvider ?? '${{ vars.LOOM_GCP_WORKLOAD_IDENTITY_PROVIDER }}',
          service_account: o.gcpServiceAccount ?? '${{ vars.LOOM_GCP_SERVICE_ACCOUNT }}',
        },
      },
      { uses: ACTIONS.gcloud, with: { install_components: 'gke-gcloud-auth-plugin' } },
    ];
  }
  return [];
}

/** The workflow file's text. */
export function renderWorkflow(workflow: Record<string, unknown>, command: string): string {
  return `# Generated by \`${command}\`; regenerate it when the platform's stacks change.\n${stringify(workflow, { lineWidth: 0 })}`;
}
