/** The MON area's rules (`LOOM-MON-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const MON_RULES: readonly PolicyRule[] = [];
