/** The RES area's rules (`LOOM-RES-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { RES_001 } from './res-001';
import { RES_002 } from './res-002';
import { RES_003 } from './res-003';

/** Every rule of the area, in id order. */
export const RES_RULES: readonly PolicyRule[] = [RES_001, RES_002, RES_003];
