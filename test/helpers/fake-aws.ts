/**
 * A tiny fake AWS API endpoint on loopback for offline `terraform plan`.
 *
 * Plan still reads data sources, and some of them call AWS: `aws_caller_identity` calls
 * sts:GetCallerIdentity. The terraform harness points the aws provider's `endpoints` (sts,
 * iam, ec2, eks, ssm) at this server. It answers GetCallerIdentity with a fixed IAM *user*
 * (not an assumed role), so `aws_iam_session_context` passes the ARN through without calling
 * iam:GetRole. Every other call gets a non-retryable AWS-style error naming the service and
 * action, so a new data source that needs AWS fails the plan at once with a clear message
 * instead of retrying real endpoints for minutes.
 *
 * Listens on 127.0.0.1 only, on a free port chosen by the OS; the caller must `close()` it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Account and caller the fake reports; fabricated remote-state ARNs use the same account. */
export const FAKE_ACCOUNT_ID = '123456789012';
export const FAKE_CALLER_ARN = `arn:aws:iam::${FAKE_ACCOUNT_ID}:user/loom-plan-test`;
export const FAKE_USER_ID = 'AIDALOOMPLANTEST0001';

/** One request the fake received. */
export interface FakeAwsRequest {
  /** Service from the SigV4 credential scope (`.../us-east-1/sts/aws4_request`), else `unknown`. */
  service: string;
  /** Query-protocol `Action`, JSON-protocol `X-Amz-Target`, or `METHOD path`. */
  action: string;
  answered: boolean;
}

export interface FakeAws {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Everything received so far, in order. */
  readonly requests: FakeAwsRequest[];
  close(): Promise<void>;
}

/** Bodies larger than this are cut off (the calls we answer are a few hundred bytes). */
const MAX_BODY_BYTES = 1024 * 1024;

/** Start the fake on 127.0.0.1 with an OS-assigned free port. */
export async function startFakeAws(): Promise<FakeAws> {
  const requests: FakeAwsRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const record = classify(req, body);
      const reply = answer(record, req);
      record.answered = reply.status === 200;
      requests.push(record);
      res.writeHead(reply.status, { 'content-type': reply.contentType, ...reply.headers });
      res.end(reply.body);
    });
  });
  // Terraform keeps connections alive; without this close() would wait for them.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function classify(req: http.IncomingMessage, body: string): FakeAwsRequest {
  const scope = /Credential=[^/,]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
  const service = scope?.[1] ?? 'unknown';
  const target = req.headers['x-amz-target'];
  const params = new URLSearchParams(req.method === 'GET' ? (req.url ?? '').split('?')[1] ?? '' : body);
  const action = params.get('Action') ?? (typeof target === 'string' ? target : `${req.method} ${(req.url ?? '').split('?')[0]}`);
  return { service, action, answered: false };
}

interface Reply {
  status: number;
  contentType: string;
  headers?: Record<string, string>;
  body: string;
}

function answer(r: FakeAwsRequest, req: http.IncomingMessage): Reply {
  if (r.service === 'sts' && r.action === 'GetCallerIdentity') {
    return {
      status: 200,
      contentType: 'text/xml',
      body: [
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
        '  <GetCallerIdentityResult>',
        `    <Arn>${FAKE_CALLER_ARN}</Arn>`,
        `    <UserId>${FAKE_USER_ID}</UserId>`,
        `    <Account>${FAKE_ACCOUNT_ID}</Account>`,
        '  </GetCallerIdentityResult>',
        '  <ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000001</RequestId></ResponseMetadata>',
        '</GetCallerIdentityResponse>',
      ].join('\n'),
    };
  }
  // A 400 with an unknown code is not retried by the AWS SDK, so the plan fails at once.
  const code = 'LoomFakeAwsUnsupported';
  const message = `the offline test harness's fake AWS endpoint does not implement ${r.service}:${r.action}; add an answer in test/helpers/fake-aws.ts or avoid the call at plan time`;
  const jsonProtocol = req.headers['x-amz-target'] !== undefined || /json/.test(String(req.headers['content-type'] ?? ''));
  if (jsonProtocol || r.service === 'eks') {
    return {
      status: 400,
      contentType: 'application/x-amz-json-1.1',
      headers: { 'x-amzn-errortype': code },
      body: JSON.stringify({ __type: code, message }),
    };
  }
  if (r.service === 'ec2') {
    return {
      status: 400,
      contentType: 'text/xml',
      body: `<Response><Errors><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>00000000-0000-4000-8000-000000000002</RequestID></Response>`,
    };
  }
  return {
    status: 400,
    contentType: 'text/xml',
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>00000000-0000-4000-8000-000000000003</RequestId></ErrorResponse>`,
  };
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
