/** The BAK area's rules (`LOOM-BAK-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const BAK_RULES: readonly PolicyRule[] = [];
