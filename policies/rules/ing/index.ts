/** The ING area's rules (`LOOM-ING-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { ING_001 } from './ing-001';
import { ING_002 } from './ing-002';
import { ING_003 } from './ing-003';
import { ING_004 } from './ing-004';
import { ING_005 } from './ing-005';
import { ING_006 } from './ing-006';
import { ING_007 } from './ing-007';

/** Every rule of the area, in id order. */
export const ING_RULES: readonly PolicyRule[] = [ING_001, ING_002, ING_003, ING_004, ING_005, ING_006, ING_007];
