/** The IAM area's rules (`LOOM-IAM-NNN`), one per file. */
import type { PolicyRule } from '../../types';
import { IAM_001 } from './iam-001';
import { IAM_002 } from './iam-002';
import { IAM_003 } from './iam-003';
import { IAM_004 } from './iam-004';
import { IAM_005 } from './iam-005';
import { IAM_006 } from './iam-006';
import { IAM_007 } from './iam-007';
import { IAM_008 } from './iam-008';

/** Every rule of the area, in id order. */
export const IAM_RULES: readonly PolicyRule[] = [IAM_001, IAM_002, IAM_003, IAM_004, IAM_005, IAM_006, IAM_007, IAM_008];
