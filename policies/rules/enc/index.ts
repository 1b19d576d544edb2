/** The ENC area's rules (`LOOM-ENC-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { ENC_001 } from './enc-001';
import { ENC_002 } from './enc-002';
import { ENC_003 } from './enc-003';
import { ENC_004 } from './enc-004';
import { ENC_005 } from './enc-005';
import { ENC_006 } from './enc-006';
import { ENC_007 } from './enc-007';
import { ENC_008 } from './enc-008';

/** Every rule of the area, in id order. */
export const ENC_RULES: readonly PolicyRule[] = [ENC_001, ENC_002, ENC_003, ENC_004, ENC_005, ENC_006, ENC_007, ENC_008];
