/** The AS area's rules (`LOOM-AS-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const AS_RULES: readonly PolicyRule[] = [];
