/** The feature store, built: Feast on the component's cluster (placeholder until it is synthesized). */
import { PlatformValidationError } from '../../core/errors';
import type { IFeatureStore, ResolvedFeatureStoreProps } from './contract';

/** Feast on the component's cluster: not synthesized yet, so it throws. */
export function buildFeatureStore(_props: ResolvedFeatureStoreProps): IFeatureStore {
  throw new PlatformValidationError('featureStore build (Feast) is not synthesized yet');
}
