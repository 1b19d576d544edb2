/** The PEER area's rules (`LOOM-PEER-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const PEER_RULES: readonly PolicyRule[] = [];
