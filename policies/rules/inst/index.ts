/** The INST area's rules (`LOOM-INST-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const INST_RULES: readonly PolicyRule[] = [];
