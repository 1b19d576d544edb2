/**
 * Pulling from (and pushing to) Harbor with credentials (registry, build).
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
 * - Pushers (a team's `access.registry.push`, through `Harbor.grantPush`) get a project robot
 *   each, `robot$<platform>+<namespace>` (`team-<name>` for a team), with push and pull on the
 *   project, made or updated by the same Job with the secret Terraform generates for it; its
 *   login is the `harbor-push` dockerconfigjson Secret in the pusher's namespace on each of its
 *   clusters. Harbor's robots are project-wide: a push robot may push any repository of the project.
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
import { JobV1, type JobV1Spec } from '@cdktf/provider-kubernetes/lib/job-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { ITerraformDependable } from '../../core/cdk';
import { Fn } from '../../core/cdk';
import { PlatformValidationError } from '../../core/errors';
import { componentTags, type IClusterAddons } from '../contract';
import { fitName } from '../../../plan';
import { HARBOR_TLS_SECRET } from './trust';

/** The robot's own name; Harbor calls it `robot$<project>+loom-pull`. */
export const HARBOR_ROBOT = 'loom-pull';
/** The image pull secret in every cluster's workloads namespace. */
export const HARBOR_PULL_SECRET = 'harbor-pull';
/** The push robot's login in a pusher's namespace (a team's), on each of its clusters. */
export const HARBOR_PUSH_SECRET = 'harbor-push';
/** Harbor's API client image (pinned): curl with a shell, sed and awk. */
export const HARBOR_SETUP_IMAGE = 'docker.io/curlimages/curl:8.11.1';

/** The login of the platform's pull robot in project `project`. */
export const harborRobotName = (project: string) => `robot$${project}+${HARBOR_ROBOT}`;

/**
 * The push robot of the pods in `namespace` (a team's `team-<name>`): its name in the project
 * (`robot$<project>+<name>` is its login). A namespace is a DNS label, so the name keeps to Harbor's
 * rule for robot names, and the login to its 255 characters.
 */
export const harborPushRobot = (namespace: string) => fitName(namespace, 63);

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

# The pushers' robots (HARBOR_PUSH_ROBOTS, unset without any): push and pull on the project, each
# with the secret in the file named after it in HARBOR_PUSH_DIR; permissions reset on every run.
for robot in $(printenv HARBOR_PUSH_ROBOTS || true); do
  access="{\\"kind\\":\\"project\\",\\"namespace\\":\\"$HARBOR_PROJECT\\",\\"access\\":[{\\"resource\\":\\"repository\\",\\"action\\":\\"push\\"},{\\"resource\\":\\"repository\\",\\"action\\":\\"pull\\"}]}"
  robotId=$(expect "list robots" "200" "$api/robots?page_size=100" | idOf "$HARBOR_PROJECT+$robot\\"")
  if [ -z "$robotId" ]; then
    body="{\\"name\\":\\"$robot\\",\\"description\\":\\"Loom: $robot pushes $HARBOR_PROJECT images\\",\\"level\\":\\"project\\",\\"duration\\":-1,\\"disable\\":false,\\"permissions\\":[$access]}"
    robotId=$(expect "create robot $robot" "201" -X POST "$api/robots" -d "$body" | idOf "$robot")
  else
    body="{\\"name\\":\\"robot\\$$HARBOR_PROJECT+$robot\\",\\"description\\":\\"Loom: $robot pushes $HARBOR_PROJECT images\\",\\"level\\":\\"project\\",\\"duration\\":-1,\\"disable\\":false,\\"permissions\\":[$access]}"
    expect "update robot $robot" "200" -X PUT "$api/robots/$robotId" -d "$body" >/dev/null
  fi
  [ -n "$robotId" ] || { echo "robot $robot: no id" >&2; exit 1; }
  secret=$(cat "$HARBOR_PUSH_DIR/$robot")
  expect "set robot $robot's secret" "200" -X PATCH "$api/robots/$robotId" -d "{\\"secret\\":\\"$secret\\"}" >/dev/null
  echo "robot $robot (id $robotId) pushes to and pulls from $HARBOR_PROJECT"
done
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

/** The Job that makes the projects private and sets up the pull robot and the pushers' robots (registry cluster). */
export class HarborSetup extends Construct {
  /** The `harbor-setup` Job. */
  readonly job: JobV1;
  private readonly props: HarborSetupProps;
  private readonly credentials: SecretV1;
  private readonly scriptName: string;
  /** The pushers' robots (their names in the project) and their secrets, in the order added. */
  private readonly pushRobots = new Map<string, string>();

  constructor(scope: Construct, id: string, props: HarborSetupProps) {
    super(scope, id);
    this.props = props;
    const namespace = props.addons.namespaces.system.name;
    this.credentials = new SecretV1(this, 'Credentials', {
      metadata: { name: 'harbor-setup', namespace, labels: this.labels() },
      data: this.credentialsData(),
    });
    const script = new ConfigMapV1(this, 'Script', { metadata: { name: 'harbor-setup', namespace, labels: this.labels() }, data: { 'setup.sh': harborSetupScript() } });
    this.scriptName = script.metadata.name;
    this.job = new JobV1(this, 'Resource', {
      metadata: { name: 'harbor-setup', namespace, labels: this.labels() },
      spec: this.jobSpec(),
      waitForCompletion: true,
      timeouts: { create: '20m', update: '20m' },
      dependsOn: props.dependsOn,
    });
  }

  /**
   * Has the Job make (or update) the project robot `robot` (its name in the project: Harbor calls
   * it `robot$<project>+<robot>`) with push and pull on the project, and set its secret to
   * `secret`. The Job re-runs when the robots or their secrets change.
   */
  addPushRobot(robot: string, secret: string): void {
    if (robot === HARBOR_ROBOT || !HARBOR_ROBOT_NAME.test(robot)) {
      throw new PlatformValidationError(`Harbor robot name '${robot}' must be lower case letters and digits separated by '.', '_' or '-' (Harbor's rule), and not '${HARBOR_ROBOT}'`, this);
    }
    if (this.pushRobots.has(robot)) throw new PlatformValidationError(`Harbor robot '${robot}' is already granted push`, this);
    this.pushRobots.set(robot, secret);
    this.credentials.data = this.credentialsData();
    this.job.putSpec(this.jobSpec());
  }

  private labels(): Record<string, string> {
    return { ...componentTags('registry'), 'app.kubernetes.io/name': 'harbor-setup', 'app.kubernetes.io/managed-by': 'loom' };
  }

  /** The Job's credentials: the admin password, the pull robot's secret, and each push robot's (`push.<robot>`). */
  private credentialsData(): Record<string, string> {
    const push = Object.fromEntries([...this.pushRobots].map(([robot, secret]) => [pushSecretKey(robot), secret]));
    return { HARBOR_ADMIN_PASSWORD: this.props.adminPassword, ROBOT_SECRET: this.props.robotSecret, ...push };
  }

  private jobSpec(): JobV1Spec {
    const props = this.props;
    const labels = this.labels();
    const robots = [...this.pushRobots];
    // The script's own hash is computed here: the script itself never goes into an expression.
    const scriptHash = createHash('sha256').update(harborSetupScript()).digest('hex');
    // A push robot's name and secret are inputs too: a new robot, or a new secret, re-runs the Job.
    const inputs = Fn.sha256(
      Fn.format('%s|%s|%s|%s' + '|%s=%s'.repeat(robots.length), [props.hashKey, props.adminPassword, props.robotSecret, scriptHash, ...robots.flatMap(([robot, secret]) => [robot, secret])]),
    );
    const fromSecret = (name: string) => ({ name, valueFrom: { secretKeyRef: { name: this.credentials.metadata.name, key: name } } });
    // Each push robot's secret as a file named after it: env variables cannot be named after robots.
    const push = robots.length
      ? {
          env: [
            { name: 'HARBOR_PUSH_ROBOTS', value: robots.map(([robot]) => robot).join(' ') },
            { name: 'HARBOR_PUSH_DIR', value: PUSH_SECRETS_PATH },
          ],
          mount: [{ name: 'push', mountPath: PUSH_SECRETS_PATH, readOnly: true }],
          volume: [{ name: 'push', secret: { secretName: this.credentials.metadata.name, items: robots.map(([robot]) => ({ key: pushSecretKey(robot), path: robot })) } }],
        }
      : { env: [], mount: [], volume: [] };
    return {
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
                ...push.env,
              ],
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
              volumeMount: [{ name: 'script', mountPath: '/setup', readOnly: true }, { name: 'tls', mountPath: '/tls', readOnly: true }, ...push.mount],
            },
          ],
          volume: [
            { name: 'script', configMap: { name: this.scriptName } },
            { name: 'tls', secret: { secretName: HARBOR_TLS_SECRET, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ...push.volume,
          ],
        },
      },
    };
  }
}

/** Where the setup Job reads the push robots' secrets (one file per robot). */
const PUSH_SECRETS_PATH = '/push';
/** The key of push robot `robot`'s secret in the setup Job's credentials Secret. */
const pushSecretKey = (robot: string) => `push.${robot}`;
/** Harbor's rule for a robot's name (its `validateName`). */
const HARBOR_ROBOT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

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
    this.secret = new SecretV1(this, 'Resource', {
      metadata: { name: HARBOR_PULL_SECRET, namespace, labels },
      type: 'kubernetes.io/dockerconfigjson',
      data: dockerConfig(props.host, props.username, props.password),
    });
    new DefaultServiceAccountV1(this, 'DefaultServiceAccount', {
      metadata: { namespace },
      imagePullSecret: [{ name: this.secret.metadata.name }],
    });
  }
}

/** A `kubernetes.io/dockerconfigjson` Secret's data: the login `username`/`password` for `host`. */
function dockerConfig(host: string, username: string, password: string): Record<string, string> {
  const auth = { username, password, auth: Fn.base64encode(Fn.join(':', [username, password])) };
  return { '.dockerconfigjson': Fn.jsonencode({ auths: { [host]: auth } }) };
}

/** Props of {@link HarborPushSecret}. */
export interface PushSecretProps {
  /** Harbor's hostname, the registry the credentials are for. */
  readonly host: string;
  /** The namespace the pusher's pods run in (a team's), where the Secret goes. */
  readonly namespace: string;
  /** The push robot's login (`robot$<project>+<robot>`). */
  readonly username: string;
  /** The robot's secret (a sensitive cross-stack reference in clusters other than Harbor's). */
  readonly password: string;
  /** Labels of the Secret. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * What the Secret waits for: the namespace, where the cluster's add-ons stack creates it.
   * @default nothing
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** A push robot's login as the `harbor-push` dockerconfigjson Secret in a pusher's namespace on one cluster. */
export class HarborPushSecret extends Construct {
  /** The `harbor-push` Secret. */
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: PushSecretProps) {
    super(scope, id);
    this.secret = new SecretV1(this, 'Resource', {
      metadata: { name: HARBOR_PUSH_SECRET, namespace: props.namespace, labels: { ...props.labels } },
      type: 'kubernetes.io/dockerconfigjson',
      data: dockerConfig(props.host, props.username, props.password),
      ...(props.dependsOn?.length ? { dependsOn: props.dependsOn } : {}),
    });
  }
}
