/** The HARD area's rules (`LOOM-HARD-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const HARD_RULES: readonly PolicyRule[] = [];
