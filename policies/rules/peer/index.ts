/** The PEER area's rules (`LOOM-PEER-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { PEER_001 } from './peer-001';
import { PEER_002 } from './peer-002';
import { PEER_003 } from './peer-003';

/** Every rule of the area, in id order. */
export const PEER_RULES: readonly PolicyRule[] = [PEER_001, PEER_002, PEER_003];
