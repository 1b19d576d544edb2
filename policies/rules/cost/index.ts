/** The COST area's rules (`LOOM-COST-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { COST_001 } from './cost-001';
import { COST_002 } from './cost-002';
import { COST_003 } from './cost-003';

/** Every rule of the area, in id order. */
export const COST_RULES: readonly PolicyRule[] = [COST_001, COST_002, COST_003];
