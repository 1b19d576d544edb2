/** The AS area's rules (`LOOM-AS-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { AS_001 } from './as-001';
import { AS_002 } from './as-002';
import { AS_003 } from './as-003';

/** Every rule of the area, in id order. */
export const AS_RULES: readonly PolicyRule[] = [AS_001, AS_002, AS_003];
