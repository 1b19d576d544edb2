/**
 * The platform-wide settings every stack of a platform shares — its name, cloud, region or project,
 * environment, labels, state backend and custom machine types — resolved from the validated
 * settings (the spec's top-level keys). A construct reads them from the stack it is in
 * (`platformOf(construct)`), the way an aws-cdk construct reads its region from its Stack, so that
 * no construct needs the whole platform plan.
 */
import type { Cloud, Environment, PlatformSettings, StateSpec } from '../schema/schema';
import type { CustomMachineTypes } from '../catalog/machine-types';

/** The settings of a platform as constructs read them (Loom's labels included). */
export interface PlatformContext {
  /** The platform's name: the prefix of every resource and stack name. */
  readonly name: string;
  /** Where the platform runs. */
  readonly cloud: Cloud;
  /** The platform's region (aws, gcp). */
  readonly region?: string;
  /** Google Cloud project id (gcp). */
  readonly gcpProject?: string;
  /** Google Cloud project number, when the spec gives it (names GKE's service agent). */
  readonly gcpProjectNumber?: string;
  /** dev, staging or prod. */
  readonly environment: Environment;
  /** Labels for every resource that takes them: the spec's plus Loom's own. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where every stack of the platform keeps its state. */
  readonly state: StateSpec;
  /** Machine types the spec describes beyond the catalogue. */
  readonly machineTypes: CustomMachineTypes;
  /** The validated settings themselves. */
  readonly settings: PlatformSettings;
}

/** Loom's labels on every resource of the platform, beside the spec's own. */
export function platformLabels(settings: Pick<PlatformSettings, 'name' | 'environment' | 'labels'>): Record<string, string> {
  return { ...settings.labels, 'loom-platform': settings.name, 'loom-environment': settings.environment, 'managed-by': 'loom' };
}

/** Resolves validated settings into the context constructs read. */
export function resolvePlatformContext(settings: PlatformSettings): PlatformContext {
  return {
    name: settings.name,
    cloud: settings.cloud,
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.gcpProject ? { gcpProject: settings.gcpProject } : {}),
    ...(settings.gcpProjectNumber ? { gcpProjectNumber: settings.gcpProjectNumber } : {}),
    environment: settings.environment,
    labels: platformLabels(settings),
    state: settings.state,
    machineTypes: settings.machineTypes,
    settings,
  };
}
