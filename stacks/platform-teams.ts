/**
 * Teams onboarded onto a platform composed by hand: what `teams` of platform.yaml gives each team
 * (see `constructs/teams`), for stacks you composed yourself instead of through `MlPlatform` — the
 * same objects, in the same stacks, under the same construct ids, so a composition with
 * `PlatformTeams` synthesizes what the equivalent platform.yaml does.
 *
 * The teams are validated as platform.yaml's `teams` are — the same schema and rules, against the
 * clusters of the add-ons stacks given and the components given (their repositories, topics and
 * endpoints as their contracts declare them) — and every problem is reported with its path.
 */
import { Construct } from 'constructs';
import { InvalidPropsError } from '../constructs/core/errors';
import { platformOf } from '../constructs/core/stack';
import type { IPlatformComponent } from '../constructs/components/contract';
import type { IRegistry } from '../constructs/components/registry/contract';
import type { IServing } from '../constructs/components/serving/contract';
import type { IStreaming } from '../constructs/components/streaming/contract';
import type { IKubernetesCluster } from '../constructs/core/contracts';
import type { TeamPlatform, TeamPlatformPlan } from '../constructs/teams';
import { teamSpaces } from '../constructs/teams/space';
import { teamAccess } from '../constructs/teams/access';
import { resolveTeams } from '../plan';
import { teamSchema, type ComponentName, type PlatformSpec, type TeamSpec, type TeamSpecInput } from '../schema/schema';
import { checkTeamRules } from '../schema/team-rules';
import { fromZodIssues } from '../schema/zod-issues';
import type { SpecIssue } from '../schema/issues';
import type { AddonsStack } from './addons-stack';
import type { ServicesStack } from './services-stack';

/** Props of {@link PlatformTeams}. */
export interface PlatformTeamsProps {
  /** The teams, as platform.yaml's `teams` has them. */
  readonly teams: readonly TeamSpecInput[];
  /** Every cluster's add-ons stack, in platform order: a team's namespace and objects go there. */
  readonly clusters: readonly AddonsStack[];
  /**
   * The services stack, where the teams' identities and members' cloud access go (aws, gcp).
   * @default none: on aws and gcp, onboarding throws
   */
  readonly services?: ServicesStack;
  /**
   * The components the teams are given access to, by name, through their contracts.
   * @default none: a team's access to any component is an error
   */
  readonly components?: Readonly<Partial<Record<ComponentName, IPlatformComponent>>>;
}

/** A component as the team rules read it: its mode, and what its contract declares. */
function componentStandIn(component: IPlatformComponent): Record<string, unknown> {
  const declared = component as IPlatformComponent & {
    readonly cluster?: IKubernetesCluster;
    readonly repositories?: IRegistry['repositories'];
    readonly topics?: IStreaming['topics'];
    readonly endpoints?: IServing['endpoints'];
  };
  return {
    mode: component.mode,
    ...(declared.cluster ? { cluster: declared.cluster.plan.name } : {}),
    ...(component.componentName === 'registry' ? { repositories: [...(declared.repositories ?? [])] } : {}),
    ...(component.componentName === 'streaming' ? { topics: (declared.topics ?? []).map((name) => ({ name })) } : {}),
    ...(component.componentName === 'serving' ? { endpoints: (declared.endpoints ?? []).map((name) => ({ name })) } : {}),
  };
}

/** Onboards `teams` onto stacks composed by hand (see the module comment). */
export class PlatformTeams extends Construct implements TeamPlatform {
  /** What onboarding read: the teams resolved, the clusters' subnets, the settings. */
  readonly plan: TeamPlatformPlan;
  /** Each cluster's add-ons stack, by cluster name. */
  readonly addonsStacks: Readonly<Record<string, AddonsStack>>;
  /** Each cluster, by name. */
  readonly clusters: Readonly<Record<string, IKubernetesCluster>>;
  /** The components, by name. */
  readonly components: Readonly<Record<string, IPlatformComponent>>;
  /** The services stack, when given. */
  readonly servicesStack?: ServicesStack;

  constructor(scope: Construct, id: string, props: PlatformTeamsProps) {
    super(scope, id);
    const anchor = props.clusters[0];
    if (!anchor) throw new InvalidPropsError(this.node.path, [{ path: 'clusters', message: 'give the add-ons stack of every cluster of the platform' }]);
    const settings = platformOf(anchor).settings;
    const components = Object.fromEntries(Object.entries(props.components ?? {}).flatMap(([name, c]) => (c ? [[name, c]] : [])));

    // Every problem at once: each team's shape, then the rules over the teams that parsed (their
    // paths mapped back to the teams' places in `props.teams`).
    const errors: SpecIssue[] = [];
    const parsed: TeamSpec[] = [];
    const places: number[] = [];
    props.teams.forEach((input, i) => {
      const result = teamSchema.safeParse(input, { reportInput: true });
      if (result.success) {
        parsed.push(result.data);
        places.push(i);
      } else {
        errors.push(...fromZodIssues(result.error.issues, teamSchema).map((issue) => ({ ...issue, path: `teams[${i}]${issue.path ? `.${issue.path}` : ''}` })));
      }
    });
    const spec = {
      ...settings,
      clusters: props.clusters.map((a) => a.cluster.plan.spec),
      components: Object.fromEntries(Object.entries(components).map(([name, c]) => [name, componentStandIn(c)])),
      teams: parsed,
    } as unknown as PlatformSpec;
    const placed = (text: string) => text.replace(/teams\[(\d+)\]/g, (_, k: string) => `teams[${places[Number(k)]}]`);
    checkTeamRules(spec, (path, message) => errors.push({ path: placed(path), message: placed(message) } as SpecIssue));
    if (errors.length) throw new InvalidPropsError(this.node.path, errors);

    this.plan = {
      spec: { ...spec, components: spec.components },
      clusters: props.clusters.map((a) => ({ name: a.cluster.plan.name, nodeSubnets: a.cluster.plan.nodeSubnets })),
      teams: resolveTeams(spec),
    };
    this.addonsStacks = Object.fromEntries(props.clusters.map((a) => [a.cluster.plan.name, a]));
    this.clusters = Object.fromEntries(props.clusters.map((a) => [a.cluster.plan.name, a.cluster]));
    this.components = components;
    if (props.services) this.servicesStack = props.services;

    for (const team of this.plan.teams) {
      teamSpaces(this, team);
      teamAccess(this, team);
    }
  }

  /** The services stack given (teams never create one here). */
  useServicesStack(): ServicesStack | undefined {
    return this.servicesStack;
  }
}
