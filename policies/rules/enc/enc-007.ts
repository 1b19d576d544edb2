/**
 * LOOM-ENC-007: streaming is encrypted. Event streams carry clickstreams, features and predictions
 * between services: MSK brokers accept TLS only (between clients and brokers, and between brokers),
 * Kinesis streams and Firehose deliveries are encrypted with KMS, and in `regulated` the keys are
 * customer-managed (MSK, Pub/Sub). MSK Serverless is always TLS-only and encrypted with a
 * service-owned key, and offers no setting to check.
 */
import type { PolicyRule, RuleFinding } from '../../types';
import { attr, flag, text } from '../../values';
import { cmkRequired, hasKey } from './common';

/** LOOM-ENC-007: MSK TLS-only in transit (customer key in regulated), Kinesis KMS, Firehose SSE, Pub/Sub CMEK in regulated. */
export const ENC_007: PolicyRule = {
  id: 'LOOM-ENC-007',
  area: 'ENC',
  title: 'Streaming is encrypted',
  severity: { baseline: 'HIGH' },
  rationale: 'Streams carry clickstreams, features and predictions between services; plain-text brokers or unencrypted shards expose them on the wire and at rest.',
  fix: "Loom's MSK (constructs/components/streaming/buy-aws.ts) sets client_broker = TLS, in_cluster = true and a customer key; for hand-written streams set encryption_info.encryption_in_transit { client_broker = \"TLS\", in_cluster = true } and encryption_at_rest_kms_key_arn, aws_kinesis_stream.encryption_type = \"KMS\", server_side_encryption { enabled = true } on Firehose, and in the regulated pack (policies.packs) kms_key_name on Pub/Sub topics.",
  anchors: ['AwsSolutions-MSK2', 'AwsSolutions-MSK3', 'AwsSolutions-KDS1', 'AwsSolutions-KDF1', 'AwsSolutions-KDS3', 'CKV_AWS_81', 'CKV_AWS_43', 'CKV_AWS_185', 'CKV_AWS_240', 'CKV_AWS_241', 'AVD-AWS-0073', 'AVD-AWS-0179', 'AVD-AWS-0064', 'CKV_GCP_83'],
  providers: ['aws', 'google'],
  evaluate(ctx) {
    const out: RuleFinding[] = [];
    const regulated = cmkRequired(ctx);
    for (const r of ctx.resources('aws_msk_cluster')) {
      // Defaults: client_broker TLS, in_cluster true; at rest an AWS-managed key.
      const clientBroker = text(r.values, 'encryption_info.encryption_in_transit.client_broker') ?? 'TLS';
      const inCluster = flag(r.values, 'encryption_info.encryption_in_transit.in_cluster') ?? true;
      if (clientBroker === 'unknown') out.push({ resource: r, message: 'encryption_in_transit.client_broker is a reference, decided at apply time', unknown: true });
      else if (clientBroker !== 'TLS') out.push({ resource: r, message: `encryption_in_transit.client_broker is ${clientBroker}: clients may connect in plain text`, detail: 'ClientBroker' });
      if (inCluster === 'unknown') out.push({ resource: r, message: 'encryption_in_transit.in_cluster is a reference, decided at apply time', unknown: true });
      else if (!inCluster) out.push({ resource: r, message: 'encryption_in_transit.in_cluster is false: brokers replicate in plain text', detail: 'InCluster' });
      if (regulated && !hasKey(attr(r.values, 'encryption_info.encryption_at_rest_kms_key_arn')))
        out.push({ resource: r, message: 'no encryption_at_rest_kms_key_arn: data at rest uses the AWS-managed key (the regulated pack requires a customer-managed key)', detail: 'CMK' });
    }
    for (const r of ctx.resources('aws_kinesis_stream')) {
      // encryption_type defaults to NONE.
      const type = text(r.values, 'encryption_type');
      if (type === 'unknown') out.push({ resource: r, message: 'encryption_type is a reference, decided at apply time', unknown: true });
      else if (type !== 'KMS') out.push({ resource: r, message: `encryption_type is ${type ?? 'absent (NONE, the default)'}: records are stored unencrypted`, detail: 'Encryption' });
      else if (!hasKey(r.values.kms_key_id)) out.push({ resource: r, message: 'encryption_type KMS without kms_key_id', detail: 'Encryption' });
    }
    for (const r of ctx.resources('aws_kinesis_firehose_delivery_stream')) {
      // A stream reading from Kinesis inherits the source stream's encryption; server_side_encryption applies to Direct PUT.
      if (attr(r.values, 'kinesis_source_configuration') !== undefined || attr(r.values, 'msk_source_configuration') !== undefined) continue;
      const enabled = flag(r.values, 'server_side_encryption.enabled');
      if (enabled === 'unknown') out.push({ resource: r, message: 'server_side_encryption.enabled is a reference, decided at apply time', unknown: true });
      else if (enabled !== true) out.push({ resource: r, message: `server_side_encryption.enabled is ${enabled === false ? 'false' : 'absent (false, the default)'}`, detail: 'Encryption' });
    }
    if (regulated)
      for (const r of ctx.resources('google_pubsub_topic'))
        if (!hasKey(r.values.kms_key_name)) out.push({ resource: r, message: 'no kms_key_name: messages use a Google-managed key (the regulated pack requires CMEK)', detail: 'CMK' });
    return out;
  },
};
