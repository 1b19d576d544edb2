/**
 * LOOM-RES-003: global or managed services the residency mode forbids are absent.
 *
 * - With residency constrained (`dataResidency.allowedRegions` set, or `managedServices:
 *   forbidden`), global edge services are findings: they terminate or cache the platform's traffic
 *   at points of presence in every jurisdiction — `aws_cloudfront_distribution`, external global
 *   forwarding rules (`google_compute_global_forwarding_rule` with an EXTERNAL scheme, the
 *   default), Cloud CDN (`enable_cdn` on a backend service or bucket) — and so are Helm releases
 *   of third-party SaaS exporters (Datadog, New Relic, Dynatrace, …), which ship telemetry to a
 *   vendor.
 * - With `dataResidency.managedServices: forbidden`, so are the managed services a *bought*
 *   component provisions and that then hold the platform's data: SageMaker, Bedrock, MSK, Kinesis,
 *   Amazon Managed Grafana / Prometheus, Glue and Athena, ECR; Vertex AI, Workbench notebooks,
 *   Managed Kafka, BigQuery, Artifact Registry, Pub/Sub.
 *
 * Infrastructure is not a "managed service" here, as schema/rules.ts reads `managedServices:
 * forbidden` ("every component must be build"): the clusters, networks, KMS, IAM, logs, DNS,
 * secrets, object storage (S3, GCS) and the databases and caches built components keep their
 * state in (RDS, Cloud SQL, ElastiCache, Memorystore) live in the platform's own account and
 * region and are what `build` runs on; LOOM-RES-001 holds them to the allowed regions.
 */
import type { PolicyRule, RuleFinding, SynthResource } from '../../types';
import { chartOf, flag, text } from '../../values';

/** Managed services holding the platform's data (exact types or `prefix*`), with the service's name. */
const MANAGED: readonly (readonly [string, string])[] = [
  ['aws_sagemaker_*', 'SageMaker'],
  ['aws_bedrock*', 'Bedrock'],
  ['aws_msk_cluster', 'Amazon MSK'],
  ['aws_msk_serverless_cluster', 'Amazon MSK Serverless'],
  ['aws_kinesis_stream', 'Kinesis Data Streams'],
  ['aws_kinesis_firehose_delivery_stream', 'Data Firehose'],
  ['aws_grafana_workspace', 'Amazon Managed Grafana'],
  ['aws_prometheus_workspace', 'Amazon Managed Service for Prometheus'],
  ['aws_prometheus_scraper', 'Amazon Managed Service for Prometheus (collector)'],
  ['aws_glue_catalog_database', 'Glue Data Catalog'],
  ['aws_glue_catalog_table', 'Glue Data Catalog'],
  ['aws_athena_workgroup', 'Athena'],
  ['aws_ecr_repository', 'ECR'],
  ['google_vertex_ai_*', 'Vertex AI'],
  ['google_notebooks_*', 'Vertex AI Workbench'],
  ['google_workbench_instance', 'Vertex AI Workbench'],
  ['google_managed_kafka_cluster', 'Managed Service for Apache Kafka'],
  ['google_bigquery_dataset', 'BigQuery'],
  ['google_bigquery_table', 'BigQuery'],
  ['google_artifact_registry_repository', 'Artifact Registry'],
  ['google_pubsub_topic', 'Pub/Sub'],
];

/** Charts of third-party SaaS agents and exporters (the chart name, without repository). */
const SAAS_CHARTS = /^(datadog|datadog-operator|newrelic-bundle|nri-bundle|newrelic-infrastructure|dynatrace-operator|splunk-otel-collector|sumologic|elastic-agent|honeycomb|lacework-agent|sysdig-deploy|grafana-cloud-onboarding|k8s-monitoring|instana-agent|logzio-monitoring|signalfx-agent|coralogix-otel-agent)$/;

const matches = (type: string, pattern: string) => (pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern);

/** LOOM-RES-003 (HIGH). */
export const RES_003: PolicyRule = {
  id: 'LOOM-RES-003',
  area: 'RES',
  title: 'Global or managed services the residency mode forbids are absent',
  severity: { baseline: 'HIGH' },
  rationale:
    'Residency is broken as easily by a service as by a region: a CDN or global load balancer decrypts traffic worldwide, a SaaS exporter ships telemetry to a vendor, and a managed ML service holds models and data under the vendor\'s control — all of which dataResidency rules out.',
  fix: 'With dataResidency.managedServices: forbidden, run every component as build (components.<name>.mode: build) and remove managed-service resources; with residency constrained, serve through regional load balancers (no CloudFront, global external forwarding rules or Cloud CDN) and keep telemetry in the platform (no SaaS exporters).',
  anchors: ['AwsSolutions-CFR1'],
  providers: ['aws', 'google', 'helm'],
  evaluate(ctx) {
    const { allowedRegions, managedServicesForbidden } = ctx.settings;
    const constrained = allowedRegions.length > 0 || managedServicesForbidden;
    if (!constrained) return [];
    const out: RuleFinding[] = [];
    const why = managedServicesForbidden ? 'dataResidency.managedServices is forbidden' : 'dataResidency.allowedRegions constrains where data may go';
    const global = (r: SynthResource, what: string) => out.push({ resource: r, message: `${what}: a global service, not allowed because ${why}`, detail: 'GlobalService' });

    for (const r of ctx.resources('aws_cloudfront_distribution')) global(r, 'a CloudFront distribution caches and terminates traffic at edge locations worldwide');
    for (const r of ctx.resources('google_compute_global_forwarding_rule')) {
      const scheme = text(r.values, 'load_balancing_scheme') ?? 'EXTERNAL';
      if (scheme === 'unknown') out.push({ resource: r, message: 'load_balancing_scheme is a reference, decided at apply time', unknown: true });
      else if (scheme.startsWith('EXTERNAL')) global(r, `a global external forwarding rule (${scheme}) terminates traffic at Google's edge worldwide`);
    }
    for (const r of ctx.resources('google_compute_backend_service', 'google_compute_backend_bucket')) {
      const cdn = flag(r.values, 'enable_cdn');
      if (cdn === 'unknown') out.push({ resource: r, message: 'enable_cdn is a reference, decided at apply time', unknown: true });
      else if (cdn === true) global(r, 'Cloud CDN (enable_cdn) caches content at edge locations worldwide');
    }
    for (const r of ctx.resources('helm_release')) {
      const chart = chartOf(r).replace(/^.*\//, '');
      if (SAAS_CHARTS.test(chart)) out.push({ resource: r, message: `chart '${chart}' ships the platform's telemetry to a third-party SaaS, not allowed because ${why}`, detail: `SaaS::${chart}` });
    }

    if (managedServicesForbidden) {
      for (const stack of ctx.stacks)
        for (const r of stack.resources) {
          const hit = MANAGED.find(([pattern]) => matches(r.type, pattern));
          if (hit) out.push({ resource: r, message: `${hit[1]} is a managed service holding the platform's data, and dataResidency.managedServices is forbidden`, detail: `ManagedService::${r.type}` });
        }
    }
    return out;
  },
};
