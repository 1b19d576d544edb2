/**
 * The pack manifest, as cdk-nag's Packs.test: every rule of the catalogue
 * (`../shared/guides/policy-rules.md`) implemented once, no rule outside it, each with the
 * catalogue's anchors and the severities per pack written out here — so that a change to a pack
 * is a reviewed diff.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../policies/rules';
import { AREAS, PACKS, type PackSeverities } from '../../policies/types';

const CATALOGUE = join(__dirname, '..', '..', '..', 'shared', 'guides', 'policy-rules.md');

/** Each pack holds every rule, at these severities (a pack not listed takes baseline's). */
const MANIFEST: Record<string, PackSeverities> = {
  'LOOM-NET-001': { baseline: 'HIGH' },
  'LOOM-NET-002': { baseline: 'MEDIUM', prod: 'HIGH' },
  'LOOM-NET-003': { baseline: 'HIGH' },
  'LOOM-NET-004': { baseline: 'MEDIUM' },
  'LOOM-PEER-001': { baseline: 'HIGH' },
  'LOOM-PEER-002': { baseline: 'HIGH' },
  'LOOM-PEER-003': { baseline: 'MEDIUM' },
  'LOOM-INST-001': { baseline: 'HIGH' },
  'LOOM-INST-002': { baseline: 'HIGH' },
  'LOOM-INST-003': { baseline: 'HIGH' },
  'LOOM-INST-004': { baseline: 'CRITICAL' },
  'LOOM-HARD-001': { baseline: 'MEDIUM' },
  'LOOM-HARD-002': { baseline: 'MEDIUM' },
  'LOOM-HARD-003': { baseline: 'HIGH' },
  'LOOM-HARD-004': { baseline: 'CRITICAL' },
  'LOOM-HARD-005': { baseline: 'HIGH' },
  'LOOM-HARD-006': { baseline: 'HIGH' },
  'LOOM-ING-001': { baseline: 'CRITICAL' },
  'LOOM-ING-002': { baseline: 'CRITICAL' },
  'LOOM-ING-003': { baseline: 'HIGH' },
  'LOOM-ING-004': { baseline: 'HIGH' },
  'LOOM-ING-005': { baseline: 'CRITICAL' },
  'LOOM-ING-006': { baseline: 'HIGH' },
  'LOOM-ING-007': { baseline: 'HIGH' },
  'LOOM-AS-001': { baseline: 'HIGH' },
  'LOOM-AS-002': { baseline: 'MEDIUM' },
  'LOOM-AS-003': { baseline: 'MEDIUM', prod: 'HIGH' },
  'LOOM-MON-001': { baseline: 'HIGH' },
  'LOOM-MON-002': { baseline: 'MEDIUM', regulated: 'HIGH' },
  'LOOM-MON-003': { baseline: 'MEDIUM', regulated: 'HIGH' },
  'LOOM-MON-004': { baseline: 'MEDIUM' },
  'LOOM-MON-005': { baseline: 'MEDIUM', regulated: 'HIGH' },
  'LOOM-COST-001': { baseline: 'LOW' },
  'LOOM-COST-002': { baseline: 'MEDIUM' },
  'LOOM-COST-003': { baseline: 'MEDIUM' },
  'LOOM-IAM-001': { baseline: 'HIGH' },
  'LOOM-IAM-002': { baseline: 'HIGH' },
  'LOOM-IAM-003': { baseline: 'HIGH' },
  'LOOM-IAM-004': { baseline: 'HIGH' },
  'LOOM-IAM-005': { baseline: 'HIGH' },
  'LOOM-IAM-006': { baseline: 'HIGH' },
  'LOOM-IAM-007': { baseline: 'CRITICAL' },
  'LOOM-IAM-008': { baseline: 'MEDIUM' },
  'LOOM-RES-001': { baseline: 'CRITICAL' },
  'LOOM-RES-002': { baseline: 'HIGH' },
  'LOOM-RES-003': { baseline: 'HIGH' },
  'LOOM-ENC-001': { baseline: 'HIGH' },
  'LOOM-ENC-002': { baseline: 'HIGH' },
  'LOOM-ENC-003': { baseline: 'HIGH' },
  'LOOM-ENC-004': { baseline: 'HIGH' },
  'LOOM-ENC-005': { baseline: 'HIGH' },
  'LOOM-ENC-006': { baseline: 'HIGH' },
  'LOOM-ENC-007': { baseline: 'HIGH' },
  'LOOM-ENC-008': { baseline: 'MEDIUM', regulated: 'HIGH' },
  'LOOM-BAK-001': { baseline: 'HIGH' },
  'LOOM-BAK-002': { baseline: 'MEDIUM', regulated: 'HIGH' },
  'LOOM-BAK-003': { baseline: 'HIGH' },
  'LOOM-BAK-004': { baseline: 'MEDIUM' },
  'LOOM-BAK-005': { baseline: 'MEDIUM', prod: 'HIGH' },
};

/** Rules no exception silences in prod (whole rules; IAM-001 and ING-002 lock single findings). */
const UNSUPPRESSIBLE = ['LOOM-ING-001', 'LOOM-IAM-007', 'LOOM-RES-001'];

/** Ids a row names that are not its anchors: RES-001's row names these as checks in tension with it. */
const NOT_ANCHORS: Record<string, readonly string[]> = { 'LOOM-RES-001': ['CKV_AWS_67', 'CKV_AWS_121'] };

const ANCHOR = /^(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R[45]|PCI\.DSS\.321)-|^CKV2?_(AWS|GCP|K8S)_\d+$|^AVD-(AWS|GCP|KSV)-\d{4}$|^CIS (EKS|GKE) |^PSS-/;
const ANCHOR_IN_TEXT = /AwsSolutions-[A-Za-z0-9]+|HIPAA\.Security-[A-Za-z0-9]+|NIST\.800\.53\.R[45]-[A-Za-z0-9]+|PCI\.DSS\.321-[A-Za-z0-9]+|CKV2?_(?:AWS|GCP|K8S)_\d+|AVD-(?:AWS|GCP|KSV)-\d{4}/g;

describe('the packs', () => {
  it('hold every rule of the catalogue at the severities above, and no other rule', () => {
    expect(RULES.map((r) => r.id)).toEqual(Object.keys(MANIFEST));
    expect(Object.fromEntries(RULES.map((r) => [r.id, r.severity]))).toEqual(MANIFEST);
    expect(RULES.length).toBe(59);
    expect(PACKS).toEqual(['baseline', 'prod', 'regulated']);
  });

  it('mark the catalogue\'s unsuppressible rules', () => {
    expect(RULES.filter((r) => r.suppressible === false).map((r) => r.id)).toEqual(UNSUPPRESSIBLE);
  });

  it('give every rule its id, area, title, rationale, fix and providers, and anchors of the known sources', () => {
    const ids = new Set<string>();
    for (const r of RULES) {
      expect(r.id, r.id).toMatch(new RegExp(`^LOOM-${r.area}-\\d{3}$`));
      expect(Object.keys(AREAS)).toContain(r.area);
      expect(ids.has(r.id), `${r.id} twice`).toBe(false);
      ids.add(r.id);
      for (const field of ['title', 'rationale', 'fix'] as const) expect(r[field].length, `${r.id}.${field}`).toBeGreaterThan(field === 'title' ? 5 : 20);
      expect(r.providers.length, r.id).toBeGreaterThan(0);
      for (const a of r.anchors) expect(a, `${r.id} anchor`).toMatch(ANCHOR);
      expect(new Set(r.anchors).size, `${r.id} anchors unique`).toBe(r.anchors.length);
    }
  });
});

describe.skipIf(!existsSync(CATALOGUE))('against the catalogue (../shared/guides/policy-rules.md)', () => {
  const rows = () => {
    const out = new Map<string, string>();
    for (const line of readFileSync(CATALOGUE, 'utf8').split('\n')) {
      const m = /^\| (LOOM-[A-Z]+-\d{3}) \|(.*)\|\s*$/.exec(line);
      if (m) out.set(m[1]!, m[2]!);
    }
    return out;
  };

  it('implements exactly the catalogue\'s rules, with the title of its row', () => {
    const catalogue = rows();
    expect([...catalogue.keys()]).toEqual(RULES.map((r) => r.id));
    for (const r of RULES) {
      const title = /\*\*(.+?)\*\*/.exec(catalogue.get(r.id)!)?.[1]?.replace(/\.$/, '').replace(/\s*\(prod\)$/, '');
      expect(r.title.replace(/\s*\(prod\)$/, ''), r.id).toBe(title);
    }
  });

  it('lists every scanner anchor of its row, and none the row does not name', () => {
    const catalogue = rows();
    for (const r of RULES) {
      const row = catalogue.get(r.id)!;
      const anchorsCell = row.split('|').slice(-1)[0]!;
      for (const a of anchorsCell.match(ANCHOR_IN_TEXT) ?? []) if (!NOT_ANCHORS[r.id]?.includes(a)) expect(r.anchors, `${r.id} lacks ${a}`).toContain(a);
      // Ranges (CKV_AWS_253–256) stand for each id in them; CIS sections may be ranges too
      // (5.5.5–5.5.7): the benchmark must be named in the row.
      const ranged = [...anchorsCell.matchAll(/(CKV2?_(?:AWS|GCP|K8S)_)(\d+)[–-](\d+)/g)].flatMap((m) =>
        Array.from({ length: Number(m[3]) - Number(m[2]) + 1 }, (_, i) => `${m[1]}${Number(m[2]) + i}`),
      );
      for (const a of r.anchors) expect(anchorsCell.includes(a) || ranged.includes(a) || (a.startsWith('CIS ') && anchorsCell.includes(a.slice(0, 7))), `${r.id}: ${a} is not in its row`).toBe(true);
    }
  });
});
