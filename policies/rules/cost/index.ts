/** The COST area's rules (`LOOM-COST-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const COST_RULES: readonly PolicyRule[] = [];
