/** The INST area's rules (`LOOM-INST-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { INST_001 } from './inst-001';
import { INST_002 } from './inst-002';
import { INST_003 } from './inst-003';
import { INST_004 } from './inst-004';

/** Every rule of the area, in id order. */
export const INST_RULES: readonly PolicyRule[] = [INST_001, INST_002, INST_003, INST_004];
