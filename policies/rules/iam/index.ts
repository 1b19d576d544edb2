/** The IAM area's rules (`LOOM-IAM-NNN`), one per file. */
import type { PolicyRule } from '../../types';

/** Every rule of the area, in id order. */
export const IAM_RULES: readonly PolicyRule[] = [];
