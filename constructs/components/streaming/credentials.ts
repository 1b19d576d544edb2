/**
 * What Kafka clients on any cluster need to reach built streaming (on every cloud, existing
 * clusters included): the certificate of the CA that signs the brokers' certificates, and each
 * Kafka user's SCRAM password — made by Terraform in the services stack, upstream of every add-ons
 * stack, so that the streaming cluster and every client cluster take them from there and no add-ons
 * stack reads another's state. Both need no cloud: this construct registers the tls and random
 * providers itself, and on `cloud: kubernetes` they are all the services stack holds.
 *
 * - The cluster CA: an RSA 4096 key (PKCS #8) and a ten-year self-signed certificate, given to
 *   Strimzi as its own CA (`clusterCa.generateCertificateAuthority: false`, the Secrets
 *   `loom-cluster-ca` and `loom-cluster-ca-cert` created before the Kafka cluster). Strimzi signs
 *   the brokers' certificates with it but never renews it: replacing it is a Terraform change
 *   (taint the key), after which Strimzi rolls the brokers.
 * - A password per Kafka user (`random_password`, 32 characters), which its `KafkaUser` takes from
 *   a Secret instead of Strimzi generating one.
 *
 * Clients find both in `loom-workloads` of every cluster: `loom-kafka-ca` (`ca.crt`), and per user
 * a Secret named after it with `username`, `password` and `sasl.jaas.config` (the shape of the
 * Secret Strimzi's User Operator writes); a principal placed in its own namespace (a team's
 * `team-<name>`) finds them there instead, on each of its clusters.
 */
import { Construct } from 'constructs';
import { TerraformStack } from '../../core/cdk';
import { ensureTlsProvider, loadTls } from '../../tls/ca';
import { fitName } from '../../../plan';

/** Ten years: the CA is never renewed by Strimzi (it is Loom's). */
export const KAFKA_CA_VALIDITY_HOURS = 10 * 365 * 24;
/** The Secret with the cluster CA's certificate (`ca.crt`) in every cluster's `loom-workloads`. */
export const KAFKA_CA_SECRET = 'loom-kafka-ca';

/** The Secret (in `loom-workloads` of the streaming cluster) a user's `KafkaUser` takes its password from. */
export const kafkaPasswordSecret = (user: string) => fitName(`${user}-scram`, 63);

/** The JAAS configuration a SCRAM client logs in with (as Strimzi writes it into a user's Secret). */
export const scramJaasConfig = (user: string, password: string) =>
  `org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`;

/** The cluster CA and the users' passwords of built streaming (see the module comment). */
export class StrimziCredentials extends Construct {
  /** PEM of the cluster CA's certificate. @attribute */
  readonly caCertPem: string;
  /** PEM (PKCS #8) of the cluster CA's private key (sensitive). @attribute */
  readonly caKeyPem: string;
  private readonly passwords = new Map<string, string>();

  constructor(scope: Construct, id: string, props: { readonly platform: string }) {
    super(scope, id);
    const tls = loadTls();
    ensureTlsProvider(this);
    const key = new tls.PrivateKey(this, 'CaKey', { algorithm: 'RSA', rsaBits: 4096 });
    const ca = new tls.SelfSignedCert(this, 'Ca', {
      privateKeyPem: key.privateKeyPem,
      isCaCertificate: true,
      setSubjectKeyId: true,
      validityPeriodHours: KAFKA_CA_VALIDITY_HOURS,
      allowedUses: ['cert_signing', 'crl_signing', 'digital_signature', 'key_encipherment'],
      subject: [{ commonName: `Loom Kafka cluster CA ${props.platform}`, organization: 'Loom' }],
    });
    this.caCertPem = ca.certPem;
    this.caKeyPem = key.privateKeyPemPkcs8;
  }

  /** The SCRAM password of Kafka user `user` (a `random_password`, made on first use). */
  password(user: string): string {
    let password = this.passwords.get(user);
    if (password === undefined) {
      const { Password } = require('@cdktf/provider-random/lib/password') as typeof import('@cdktf/provider-random/lib/password');
      const { RandomProvider } = require('@cdktf/provider-random/lib/provider') as typeof import('@cdktf/provider-random/lib/provider');
      const stack = TerraformStack.of(this);
      if (!stack.node.tryFindChild('RandomProvider')) new RandomProvider(stack, 'RandomProvider', {});
      // No special characters: the password is quoted inside the JAAS configuration.
      password = new Password(this, `User-${user}`, { length: 32, special: false }).result;
      this.passwords.set(user, password);
    }
    return password;
  }
}
