/** The NET area's rules (`LOOM-NET-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { NET_001 } from './net-001';
import { NET_002 } from './net-002';
import { NET_003 } from './net-003';
import { NET_004 } from './net-004';

/** Every rule of the area, in id order. */
export const NET_RULES: readonly PolicyRule[] = [NET_001, NET_002, NET_003, NET_004];
