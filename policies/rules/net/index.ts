/** The NET area's rules (`LOOM-NET-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const NET_RULES: readonly PolicyRule[] = [];
