/** The MON area's rules (`LOOM-MON-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { MON_001 } from './mon-001';
import { MON_002 } from './mon-002';
import { MON_003 } from './mon-003';
import { MON_004 } from './mon-004';
import { MON_005 } from './mon-005';

/** Every rule of the area, in id order. */
export const MON_RULES: readonly PolicyRule[] = [MON_001, MON_002, MON_003, MON_004, MON_005];
