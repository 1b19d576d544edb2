/** The HARD area's rules (`LOOM-HARD-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { HARD_001 } from './hard-001';
import { HARD_002 } from './hard-002';
import { HARD_003 } from './hard-003';
import { HARD_004 } from './hard-004';
import { HARD_005 } from './hard-005';
import { HARD_006 } from './hard-006';

/** Every rule of the area, in id order. */
export const HARD_RULES: readonly PolicyRule[] = [HARD_001, HARD_002, HARD_003, HARD_004, HARD_005, HARD_006];
