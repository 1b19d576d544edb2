/**
 * Monitoring, bought on AWS: an Amazon Managed Service for Prometheus workspace (with its own log
 * group), one AMP managed scraper per EKS cluster feeding it, and an Amazon Managed Grafana
 * workspace that queries it — all in the services stack.
 *
 * The scraper is agentless: it joins the cluster's subnets with the EKS cluster security group
 * (which the managed node groups carry, so it reaches nodes and pods) and, because the clusters
 * use EKS access entries, AMP creates its access entry and Kubernetes permissions itself. What it
 * scrapes comes from each cluster: kube-state-metrics and node exporters are installed in every
 * cluster's add-ons stack, annotated services and pods (`prometheus.io/scrape: "true"`) are
 * discovered, and targets given through the contract — the add-ons' metrics among them, the GPU
 * operator's DCGM exporter on clusters with GPUs — become jobs of their own.
 */
import type { ResolvedMonitoringProps } from './contract';
import type { MonitoringComponentSpec } from '../../../schema/schema';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { PrometheusWorkspace } from '@cdktf/provider-aws/lib/prometheus-workspace';
import { PrometheusScraper } from '@cdktf/provider-aws/lib/prometheus-scraper';
import { GrafanaWorkspace } from '@cdktf/provider-aws/lib/grafana-workspace';
import { GrafanaRoleAssociation } from '@cdktf/provider-aws/lib/grafana-role-association';
import { GrafanaWorkspaceSamlConfiguration } from '@cdktf/provider-aws/lib/grafana-workspace-saml-configuration';
import { PlatformValidationError } from '../../core/errors';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { Fn, Lazy } from '../../core/cdk';
import type { IKubernetesCluster } from '../../core/contracts';
import { CHARTS } from '../../../catalog/charts';
import { controllerPlacement, placementValues } from '../../addons/context';
import { grafanaOptions, MONITORING_PROFILES, monitoringNames, type PlatformContext } from '../../../plan';
import { componentClusterAddons, componentOutput, componentScope, componentTags, servicesScope, type IClusterAddons } from '../contract';
import { eksClusterOf } from '../clusters';
import { componentRelease } from '../helm';
import { assertMonitored, CLUSTER_LABEL, ScrapeTargets, type IMonitoring, type RemoteWriteTarget, type ScrapeTarget } from './contract';
import { dropTargetPods, scrapeJobOf, SERVICE_ACCOUNT_TOKEN as TOKEN } from './scrape-config';

/** How long AMP's own logs (rule and ingestion errors) are kept. */
const WORKSPACE_LOG_RETENTION_DAYS = 30;

/**
 * Keeps pods annotated `prometheus.io/scrape: "true"` and honours their port/path annotations —
 * except the pods of declared targets, which their own jobs scrape (several charts annotate their
 * pods whenever their own monitors are off).
 */
function annotationRelabeling(role: 'pod' | 'service', targets: readonly ScrapeTarget[]): Record<string, unknown>[] {
  const meta = role === 'pod' ? '__meta_kubernetes_pod_annotation' : '__meta_kubernetes_service_annotation';
  return [
    { source_labels: [`${meta}_prometheus_io_scrape`], action: 'keep', regex: 'true' },
    ...dropTargetPods(targets),
    { source_labels: [`${meta}_prometheus_io_path`], action: 'replace', target_label: '__metrics_path__', regex: '(.+)' },
    {
      source_labels: ['__address__', `${meta}_prometheus_io_port`],
      action: 'replace',
      regex: '([^:]+)(?::\\d+)?;(\\d+)',
      replacement: '$1:$2',
      target_label: '__address__',
    },
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { source_labels: [role === 'pod' ? '__meta_kubernetes_pod_name' : '__meta_kubernetes_service_name'], target_label: role },
  ];
}

/** What {@link scraperConfiguration} renders one cluster's scraper configuration from. */
export interface ScraperConfigurationProps {
  /** The platform's settings (environment: scrape interval). */
  readonly platform: PlatformContext;
  /** The cluster the scraper collects from. */
  readonly cluster: IKubernetesCluster;
  /** The cluster's scrape targets, a job each. */
  readonly targets: readonly ScrapeTarget[];
}

/**
 * The Prometheus configuration one cluster's managed scraper runs, as JSON — which is YAML, as the
 * scraper's configuration blob must be (Prometheus reads its configuration with a YAML parser) —
 * since the blob is base64 anyway, and a YAML emitter was a twentieth of a platform's synth.
 */
export function scraperConfiguration(props: ScraperConfigurationProps): string {
  const { platform: plan, cluster } = props;
  const profile = MONITORING_PROFILES[plan.environment];
  const viaApiServer = (path: string) => [
    { action: 'labelmap', regex: '__meta_kubernetes_node_label_(.+)' },
    { replacement: 'kubernetes.default.svc:443', target_label: '__address__' },
    { source_labels: ['__meta_kubernetes_node_name'], regex: '(.+)', target_label: '__metrics_path__', replacement: `/api/v1/nodes/$1/proxy${path}` },
  ];
  const config = {
    global: { scrape_interval: profile.scrapeInterval, external_labels: { [CLUSTER_LABEL]: cluster.plan.name } },
    scrape_configs: [
      {
        job_name: 'kubernetes-apiservers',
        scheme: 'https',
        authorization: TOKEN,
        kubernetes_sd_configs: [{ role: 'endpoints' }],
        relabel_configs: [
          {
            source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_service_name', '__meta_kubernetes_endpoint_port_name'],
            action: 'keep',
            regex: 'default;kubernetes;https',
          },
        ],
      },
      { job_name: 'kubelet', scheme: 'https', authorization: TOKEN, kubernetes_sd_configs: [{ role: 'node' }], relabel_configs: viaApiServer('/metrics') },
      { job_name: 'cadvisor', scheme: 'https', authorization: TOKEN, kubernetes_sd_configs: [{ role: 'node' }], relabel_configs: viaApiServer('/metrics/cadvisor') },
      // kube-state-metrics and the node exporters annotate their services; so may any add-on.
      { job_name: 'kubernetes-service-endpoints', kubernetes_sd_configs: [{ role: 'endpoints' }], relabel_configs: annotationRelabeling('service', props.targets) },
      { job_name: 'kubernetes-pods', kubernetes_sd_configs: [{ role: 'pod' }], relabel_configs: annotationRelabeling('pod', props.targets) },
      // Declared targets (the add-ons' metrics — the GPU operator's DCGM exporter among them —
      // and consumers'), a job each.
      ...props.targets.map(scrapeJobOf),
    ],
  };
  return JSON.stringify(config);
}

/**
 * Monitoring, bought on AWS: an AMP workspace, a managed scraper per cluster and a Managed Grafana
 * workspace, in the services stack (see the module comment).
 */
export class AmazonManagedPrometheus extends Construct implements IMonitoring {
  readonly componentName = 'monitoring' as const;
  readonly mode = 'buy' as const;
  readonly implementation = 'buy-aws' as const;
  readonly product = 'amazon-managed-prometheus' as const;
  readonly clusters: readonly IKubernetesCluster[];
  readonly dashboardsUrl: string;
  /** The Amazon Managed Service for Prometheus workspace every cluster's samples go to. */
  readonly workspace: PrometheusWorkspace;
  /** The Amazon Managed Grafana workspace, which queries the Prometheus workspace. */
  readonly grafana: GrafanaWorkspace;
  /** The managed scraper of each cluster, by cluster name. */
  readonly scrapers: Readonly<Record<string, PrometheusScraper>>;
  /** The workspace's Prometheus API base, without the trailing slash. @attribute */
  readonly workspaceEndpoint: string;
  private readonly targets: ScrapeTargets;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: ResolvedMonitoringProps) {
    super(scope, id);
    const plan = props.platform;
    const names = monitoringNames(plan.name);
    const tags = componentTags('monitoring');
    this.region = plan.region ?? '';
    this.clusters = props.clusters.map((a) => a.cluster);
    this.targets = new ScrapeTargets(this.clusters);

    const logs = new CloudwatchLogGroup(this, 'WorkspaceLogs', { name: names.ampLogGroup, retentionInDays: WORKSPACE_LOG_RETENTION_DAYS, tags });
    this.workspace = new PrometheusWorkspace(this, 'Workspace', {
      alias: names.ampWorkspace,
      loggingConfiguration: { logGroupArn: `${logs.arn}:*` },
      tags,
    });
    this.workspaceEndpoint = Fn.trimsuffix(this.workspace.prometheusEndpoint, '/');

    const scrapers: Record<string, PrometheusScraper> = {};
    const scraperScope = new Construct(this, 'Scrapers');
    for (const addons of props.clusters) {
      const cluster = addons.cluster;
      const eks = eksClusterOf(cluster, 'An Amazon Managed Service for Prometheus scraper');
      scrapers[cluster.plan.name] = new PrometheusScraper(scraperScope, cluster.plan.name, {
        alias: names.scraper(cluster.plan.name),
        source: [
          {
            eks: [
              {
                clusterArn: eks.clusterArn,
                subnetIds: eks.resource.vpcConfig.subnetIds,
                securityGroupIds: [eks.resource.vpcConfig.clusterSecurityGroupId],
              },
            ],
          },
        ],
        destination: [{ amp: [{ workspaceArn: this.workspace.arn }] }],
        scrapeConfiguration: Lazy.stringValue({ produce: () => scraperConfiguration({ platform: plan, cluster, targets: this.targets.of(cluster) }) }),
        tags: { ...tags, 'loom.dev/cluster': cluster.plan.name },
      });
      installCollectors(addons);
    }
    this.scrapers = scrapers;

    // Managed Grafana, reading the workspace with a role only Grafana in this account may assume.
    const account = new DataAwsCallerIdentity(this, 'Account');
    const grafanaRole = new IamRole(this, 'GrafanaRole', {
      name: names.grafanaRole,
      description: `Loom: Amazon Managed Grafana of platform ${plan.name} queries its Prometheus workspace`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'grafana.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': account.accountId },
              StringLike: { 'aws:SourceArn': `arn:aws:grafana:${plan.region}:${account.accountId}:/workspaces/*` },
            },
          },
        ],
      }),
      tags,
    });
    new IamRolePolicy(this, 'GrafanaRolePolicy', {
      role: grafanaRole.id,
      name: 'query-prometheus',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['aps:ListWorkspaces'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: ['aps:DescribeWorkspace', 'aps:QueryMetrics', 'aps:GetLabels', 'aps:GetSeries', 'aps:GetMetricMetadata'],
            Resource: this.workspace.arn,
          },
        ],
      }),
    });
    this.grafana = new GrafanaWorkspace(this, 'Grafana', {
      name: names.grafanaWorkspace,
      description: `Loom: dashboards of platform ${plan.name}`,
      accountAccessType: 'CURRENT_ACCOUNT',
      authenticationProviders: [grafanaOptions({ components: { monitoring: props.spec } }).authentication === 'saml' ? 'SAML' : 'AWS_SSO'],
      permissionType: 'SERVICE_MANAGED',
      // Grafana's AWS data sources page lists this account's AMP workspaces through the role
      // (aps:ListWorkspaces), to add in one step (see grafanaAccess).
      dataSources: ['PROMETHEUS'],
      roleArn: grafanaRole.arn,
      tags,
    });
    this.dashboardsUrl = `https://${this.grafana.endpoint}`;
    grafanaAccess(this, this.grafana, props.spec);

    componentOutput(this, 'prometheus_query_endpoint', this.workspaceEndpoint, 'Amazon Managed Service for Prometheus: the Prometheus API (SigV4)');
    componentOutput(this, 'prometheus_remote_write_url', `${this.workspaceEndpoint}/api/v1/remote_write`, 'Amazon Managed Service for Prometheus: remote write (SigV4, aps:RemoteWrite)');
    componentOutput(this, 'grafana_url', this.dashboardsUrl, 'Amazon Managed Grafana');
  }

  queryEndpoint(cluster: IKubernetesCluster): string {
    assertMonitored(this.clusters, cluster);
    return this.workspaceEndpoint;
  }

  remoteWrite(cluster: IKubernetesCluster): RemoteWriteTarget {
    return { url: `${this.queryEndpoint(cluster)}/api/v1/remote_write`, auth: 'aws-sigv4', region: this.region };
  }

  scrape(cluster: IKubernetesCluster, target: ScrapeTarget): void {
    this.targets.add(cluster, target);
  }
}

/**
 * The in-cluster half: the exporters a managed scraper reads — kube-state-metrics in the system
 * namespace, node exporters (host access) in the node-agents namespace.
 */
function installCollectors(addons: IClusterAddons): void {
  const scope = new Construct(componentScope(addons, 'monitoring'), 'Collectors');
  const critical = addons.priorityClasses.nameOf('loom-critical');
  componentRelease(scope, 'KubeStateMetrics', {
    name: 'kube-state-metrics',
    chart: CHARTS.kubeStateMetrics,
    namespace: addons.namespaces.system.name,
    // A controller like the add-ons': on the system pool where there is one (a batch cluster's
    // pools then reach zero). The node exporters tolerate every NoSchedule taint (chart default).
    values: { customLabels: componentTags('monitoring'), priorityClassName: critical, ...placementValues(controllerPlacement(addons.cluster.plan)) },
  });
  componentRelease(scope, 'NodeExporter', {
    name: 'prometheus-node-exporter',
    chart: CHARTS.prometheusNodeExporter,
    namespace: addons.namespaces.nodeAgents.name,
    values: { podLabels: componentTags('monitoring'), priorityClassName: critical },
  });
}

/**
 * Who may use Amazon Managed Grafana (`components.monitoring.grafana`), so the workspace is usable
 * after apply:
 *
 * - `aws-sso` (IAM Identity Center, which must be enabled for the account or organization): the
 *   listed Identity Center groups and users become Grafana admins (`aws_grafana_role_association`,
 *   role ADMIN);
 * - `saml`: the identity provider's metadata, and the role-assertion values that make admins
 *   and editors (`aws_grafana_workspace_saml_configuration`).
 *
 * The Prometheus data source itself is Grafana configuration, not AWS's: without a Grafana
 * provider (which would need the workspace's API and a token at plan time) an admin adds it once:
 * Apps > AWS Data Sources > Amazon Managed Service for Prometheus (listed because of
 * `data_sources = ["PROMETHEUS"]`), or a Prometheus data source at `prometheus_query_endpoint`
 * with SigV4 authentication in the platform's region, signed with the workspace's role.
 */
function grafanaAccess(scope: Construct, workspace: GrafanaWorkspace, spec: MonitoringComponentSpec): void {
  const options = grafanaOptions({ components: { monitoring: spec } });
  if (options.authentication === 'saml') {
    const saml = options.saml;
    if (!saml) throw new PlatformValidationError('components.monitoring.grafana: authentication saml needs saml (validate the spec first)', scope);
    new GrafanaWorkspaceSamlConfiguration(scope, 'GrafanaSaml', {
      workspaceId: workspace.id,
      ...(saml.idpMetadataUrl ? { idpMetadataUrl: saml.idpMetadataUrl } : {}),
      ...(saml.idpMetadataXml ? { idpMetadataXml: saml.idpMetadataXml } : {}),
      roleAssertion: saml.roleAssertion,
      adminRoleValues: [...saml.adminRoleValues],
      editorRoleValues: [...saml.editorRoleValues],
    });
    return;
  }
  if (options.adminGroups.length || options.adminUsers.length) {
    new GrafanaRoleAssociation(scope, 'GrafanaAdmins', {
      workspaceId: workspace.id,
      role: 'ADMIN',
      ...(options.adminGroups.length ? { groupIds: [...options.adminGroups] } : {}),
      ...(options.adminUsers.length ? { userIds: [...options.adminUsers] } : {}),
    });
  }
}

/** Monitoring, bought on AWS: AMP, scrapers and Managed Grafana in the services stack. */
export function buyAwsMonitoring(props: ResolvedMonitoringProps): AmazonManagedPrometheus {
  componentClusterAddons(props);
  return new AmazonManagedPrometheus(servicesScope(props, 'buy on AWS: Amazon Managed Service for Prometheus'), 'Resource', props);
}
