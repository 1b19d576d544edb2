/** The RES area's rules (`LOOM-RES-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const RES_RULES: readonly PolicyRule[] = [];
