/** The ENC area's rules (`LOOM-ENC-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const ENC_RULES: readonly PolicyRule[] = [];
