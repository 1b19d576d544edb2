/** The ING area's rules (`LOOM-ING-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { ING_001 } from './ing-001';

/** Every rule of the area, in id order. */
export const ING_RULES: readonly PolicyRule[] = [ING_001];
