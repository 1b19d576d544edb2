/**
 * What every key/value store shares: the props each takes, its port, and the environment's
 * profile.
 */
import type { IConstruct } from 'constructs';
import { platformOf } from '../../core/stack';
import { KEY_VALUE_PROFILES, type KeyValueProfile } from '../../../catalog/key-value';

/** The port every key/value store Loom creates listens on. */
export const KEY_VALUE_PORT = 6379;

/** Props every key/value store takes. */
export interface KeyValueStoreBaseProps {
  /**
   * The store's name in the platform (`feast`): with the platform's name it names the replication
   * group or instance (`<platform>-<name>`); in a cluster it names the release. A lowercase DNS label.
   */
  readonly name: string;
}

/** The key/value profile of `scope`'s environment. */
export function keyValueProfile(scope: IConstruct): KeyValueProfile {
  return KEY_VALUE_PROFILES[platformOf(scope).environment];
}
