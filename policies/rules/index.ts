/**
 * Every rule of the catalogue (`../shared/guides/policy-rules.md`), by area, in id order. Each
 * area's `index.ts` lists its rules; each rule is one file.
 */
import type { PolicyRule } from '../types';
import { NET_RULES } from './net';
import { PEER_RULES } from './peer';
import { INST_RULES } from './inst';
import { HARD_RULES } from './hard';
import { ING_RULES } from './ing';
import { AS_RULES } from './as';
import { MON_RULES } from './mon';
import { COST_RULES } from './cost';
import { IAM_RULES } from './iam';
import { RES_RULES } from './res';
import { ENC_RULES } from './enc';
import { BAK_RULES } from './bak';

/** The whole catalogue. */
export const RULES: readonly PolicyRule[] = [
  ...NET_RULES,
  ...PEER_RULES,
  ...INST_RULES,
  ...HARD_RULES,
  ...ING_RULES,
  ...AS_RULES,
  ...MON_RULES,
  ...COST_RULES,
  ...IAM_RULES,
  ...RES_RULES,
  ...ENC_RULES,
  ...BAK_RULES,
];
