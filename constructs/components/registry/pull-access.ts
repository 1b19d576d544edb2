/**
 * Pulling from Harbor with credentials (registry, build).
 *
 * Harbor's `library` project is public out of the box: anything that reaches Harbor could pull.
 * Loom keeps the platform's images in a private project named after the platform instead, makes
 * `library` private too, and pulls with a project robot account that may only pull:
 *
 * - In the registry cluster's add-ons stack, a Job (`harbor-setup`, after the Harbor release)
 *   calls Harbor's API from inside the cluster — through Harbor's Service, verifying Harbor's
 *   certificate against the platform CA — to make both projects private and to create the robot
 *   `robot$<platform>+loom-pull` with the secret given as `TF_VAR_harbor_robot_secret`. Harbor
 *   lets an administrator set a robot's secret (`PATCH /robots/{id}`), so the credentials are an
 *   input like Harbor's other secrets, not something read back. The Job is idempotent and re-runs
 *   whenever its inputs change (the pod template carries a keyed hash of them): rotate the robot
 *   by changing `TF_VAR_harbor_robot_secret` and applying every add-ons stack.
 * - In every cluster's add-ons stack, the robot's credentials become the `harbor-pull`
 *   dockerconfigjson Secret in `loom-workloads`, the default service account's image pull secret
 *   there, so the teams' pods pull without naming it.
 *
 * Why a Job and not the goharbor/harbor Terraform provider: the provider needs Harbor's API at
 * plan time from wherever Terraform runs — an internal name behind an internal load balancer,
 * unreachable from most runners — and a network path from the runner into the VPC; the Job runs
 * where Harbor is. The admin password it uses is `TF_VAR_harbor_admin_password`: if you change
 * the password in Harbor, change the variable too, or the next run of the Job fails.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DefaultServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/default-service-account-v1';
import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { ITerraformDependable } from '../../core/cdk';
import { Fn } from '../../core/cdk';
import { componentTags, type IClusterAddons } from '../contract';
import { HARBOR_TLS_SECRET } from './trust';

/** The robot's own name; Harbor calls it `robot$<project>+loom-pull`. */
export const HARBOR_ROBOT = 'loom-pull';
/** The image pull secret in every cluster's workloads namespace. */
export const HARBOR_PULL_SECRET = 'harbor-pull';
/** Harbor's API client image (pinned): curl with a shell, sed and awk. */
export const HARBOR_SETUP_IMAGE = 'docker.io/curlimages/curl:8.11.1';

/** The login of the platform's pull robot in project `project`. */
export const harborRobotName = (project: string) => `robot$${project}+${HARBOR_ROBOT}`;

/**
 * The Job's script: private projects, the pull robot with the given secret. Idempotent. It goes
 * into Terraform as a string, where `${` and `%{` would start templates: it has neither (curl's
 * `%{http_code}` is split in two by the shell's quotes).
 */
export function harborSetupScript(): string {
  return `set -eu
api="https://$HARBOR_HOST/api/v2.0"
call() {
  curl -sS --cacert /tls/ca.crt --connect-to "$HARBOR_HOST:443:$HARBOR_SERVICE:443" \\
    -u "admin:$HARBOR_ADMIN_PASSWORD" -H 'Content-Type: application/json' -H 'X-Is-Resource-Name: true' \\
    -w '\\n%''{http_code}' "$@"
}
# expect <what> <accepted codes> <curl arguments>: prints the body, fails on any other code.
expect() {
  what=$1; codes=$2; shift 2
  out=$(call "$@") || { echo "$what: Harbor did not answer" >&2; exit 1; }
  code=$(printf '%s\\n' "$out" | tail -n1)
  case " $codes " in
    *" $code "*) printf '%s\\n' "$out" | sed '$d' ;;
    *) echo "$what: HTTP $code: $(printf '%s\\n' "$out" | sed '$d')" >&2; exit 1 ;;
  esac
}
# idOf <name part>: the id of the first object whose name contains it, from a JSON document.
idOf() { tr ',{}[]' '\\n\\n\\n\\n\\n' | awk -F: -v want="$1" '$1 == "\\"id\\"" { id = $2 } $1 == "\\"name\\"" && index($2, want) { print id; exit }'; }

n=0
until [ "$(call -o /dev/null "$api/health" 2>/dev/null | tail -n1)" = 200 ]; do
  n=$((n + 1)); [ "$n" -lt 60 ] || { echo "Harbor's API did not become healthy" >&2; exit 1; }
  sleep 10
done
private='{"metadata":{"public":"false"}}'
expect "make library private" "200 404" -X PUT "$api/projects/library" -d "$private" >/dev/null
expect "create project $HARBOR_PROJECT" "201 409" -X POST "$api/projects" -d "{\\"project_name\\":\\"$HARBOR_PROJECT\\",\\"metadata\\":{\\"public\\":\\"false\\"}}" >/dev/null
expect "make $HARBOR_PROJECT private" "200" -X PUT "$api/projects/$HARBOR_PROJECT" -d "$private" >/dev/null
id=$(expect "list robots" "200" "$api/robots?page_size=100" | idOf "$HARBOR_PROJECT+$HARBOR_ROBOT\\"")
if [ -z "$id" ]; then
  body="{\\"name\\":\\"$HARBOR_ROBOT\\",\\"description\\":\\"Loom: the clusters pull $HARBOR_PROJECT images\\",\\"level\\":\\"project\\",\\"duration\\":-1,\\"disable\\":false,\\"permissions\\":[{\\"kind\\":\\"project\\",\\"namespace\\":\\"$HARBOR_PROJECT\\",\\"access\\":[{\\"resource\\":\\"repository\\",\\"action\\":\\"pull\\"}]}]}"
  id=$(expect "create robot $HARBOR_ROBOT" "201" -X POST "$api/robots" -d "$body" | idOf "$HARBOR_ROBOT")
fi
[ -n "$id" ] || { echo "robot $HARBOR_ROBOT: no id" >&2; exit 1; }
expect "set the robot's secret" "200" -X PATCH "$api/robots/$id" -d "{\\"secret\\":\\"$ROBOT_SECRET\\"}" >/dev/null
echo "project $HARBOR_PROJECT is private; robot $HARBOR_ROBOT (id $id) pulls from it"
`;
}

/** Props of {@link HarborSetup}. */
export interface HarborSetupProps {
  /** The registry cluster's add-ons stack (the Job runs in its system namespace). */
  readonly addons: IClusterAddons;
  /** Harbor's hostname, which its certificate is for. */
  readonly host: string;
  /** The private project the platform's images are in. */
  readonly project: string;
  /** Harbor's in-cluster Service (`<name>.<namespace>.svc`). */
  readonly service: string;
  /** Harbor's admin password (`TF_VAR_harbor_admin_password`), which the Job calls the API with. */
  readonly adminPassword: string;
  /** The pull robot's secret (`TF_VAR_harbor_robot_secret`), which the Job sets. */
  readonly robotSecret: string;
  /** Keys the hash of the inputs in the pod template (so it reveals nothing). */
  readonly hashKey: string;
  /** What the Job waits for: Harbor's release, and whatever it needs. */
  readonly dependsOn: ITerraformDependable[];
}

/** The Job that makes the projects private and sets up the pull robot (registry cluster). */
export class HarborSetup extends Construct {
  /** The `harbor-setup` Job. */
  readonly job: JobV1;

  constructor(scope: Construct, id: string, props: HarborSetupProps) {
    super(scope, id);
    const namespace = props.addons.namespaces.system.name;
    const labels = { ...componentTags('registry'), 'app.kubernetes.io/name': 'harbor-setup', 'app.kubernetes.io/managed-by': 'loom' };
    const credentials = new SecretV1(this, 'Credentials', {
      metadata: { name: 'harbor-setup', namespace, labels },
      data: { HARBOR_ADMIN_PASSWORD: props.adminPassword, ROBOT_SECRET: props.robotSecret },
    });
    const script = new ConfigMapV1(this, 'Script', { metadata: { name: 'harbor-setup', namespace, labels }, data: { 'setup.sh': harborSetupScript() } });
    // The script's own hash is computed here: the script itself never goes into an expression.
    const scriptHash = createHash('sha256').update(harborSetupScript()).digest('hex');
    const inputs = Fn.sha256(Fn.format('%s|%s|%s|%s', [props.hashKey, props.adminPassword, props.robotSecret, scriptHash]));
    const fromSecret = (name: string) => ({ name, valueFrom: { secretKeyRef: { name: credentials.metadata.name, key: name } } });
    this.job = new JobV1(this, 'Resource', {
      metadata: { name: 'harbor-setup', namespace, labels },
      spec: {
        backoffLimit: 4,
        activeDeadlineSeconds: 1200,
        template: {
          metadata: { labels, annotations: { 'loom.dev/inputs': inputs } },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: '100', runAsGroup: '101', seccompProfile: { type: 'RuntimeDefault' } },
            container: [
              {
                name: 'setup',
                image: HARBOR_SETUP_IMAGE,
                command: ['sh', '/setup/setup.sh'],
                env: [
                  { name: 'HARBOR_HOST', value: props.host },
                  { name: 'HARBOR_SERVICE', value: props.service },
                  { name: 'HARBOR_PROJECT', value: props.project },
                  { name: 'HARBOR_ROBOT', value: HARBOR_ROBOT },
                  fromSecret('HARBOR_ADMIN_PASSWORD'),
                  fromSecret('ROBOT_SECRET'),
                ],
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
                volumeMount: [
                  { name: 'script', mountPath: '/setup', readOnly: true },
                  { name: 'tls', mountPath: '/tls', readOnly: true },
                ],
              },
            ],
            volume: [
              { name: 'script', configMap: { name: script.metadata.name } },
              { name: 'tls', secret: { secretName: HARBOR_TLS_SECRET, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        },
      },
      waitForCompletion: true,
      timeouts: { create: '20m', update: '20m' },
      dependsOn: props.dependsOn,
    });
  }
}

/** Props of {@link HarborPullSecret}. */
export interface PullSecretProps {
  /** The add-ons stack of the cluster that pulls (the Secret goes in its workloads namespace). */
  readonly addons: IClusterAddons;
  /** Harbor's hostname, the registry the credentials are for. */
  readonly host: string;
  /** The robot's login (`robot$<project>+loom-pull`). */
  readonly username: string;
  /** The robot's secret (a cross-stack reference in clusters other than Harbor's). */
  readonly password: string;
}

/** The robot's credentials as the workloads namespace's default image pull secret. */
export class HarborPullSecret extends Construct {
  /** The `harbor-pull` dockerconfigjson Secret in the workloads namespace. */
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: PullSecretProps) {
    super(scope, id);
    const namespace = props.addons.namespaces.workloads.name;
    const labels = { ...componentTags('registry'), 'app.kubernetes.io/managed-by': 'loom' };
    const auth = { username: props.username, password: props.password, auth: Fn.base64encode(Fn.join(':', [props.username, props.password])) };
    this.secret = new SecretV1(this, 'Resource', {
      metadata: { name: HARBOR_PULL_SECRET, namespace, labels },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Fn.jsonencode({ auths: { [props.host]: auth } }) },
    });
    new DefaultServiceAccountV1(this, 'DefaultServiceAccount', {
      metadata: { namespace },
      imagePullSecret: [{ name: this.secret.metadata.name }],
    });
  }
}
