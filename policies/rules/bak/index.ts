/** The BAK area's rules (`LOOM-BAK-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { BAK_001 } from './bak-001';
import { BAK_002 } from './bak-002';
import { BAK_003 } from './bak-003';
import { BAK_004 } from './bak-004';
import { BAK_005 } from './bak-005';

/** Every rule of the area, in id order. */
export const BAK_RULES: readonly PolicyRule[] = [BAK_001, BAK_002, BAK_003, BAK_004, BAK_005];
