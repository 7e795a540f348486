import { MetricsInputError, type ChallengeSettings } from './types';

/**
 * Per-challenge lesion-wise settings of the BraTS 2023 evaluation (rachitsaluja/BraTS-2023-Metrics,
 * `get_challenge_parameters`): dilation iterations and the reference-lesion volume threshold in mm^3.
 */
export const CHALLENGES: Record<string, ChallengeSettings> = {
  GLI: { name: 'GLI', dilation: 3, volumeThresholdMm3: 50 },
  SSA: { name: 'SSA', dilation: 3, volumeThresholdMm3: 50 },
  PED: { name: 'PED', dilation: 3, volumeThresholdMm3: 50 },
  MEN: { name: 'MEN', dilation: 1, volumeThresholdMm3: 50 },
  MET: { name: 'MET', dilation: 1, volumeThresholdMm3: 2 },
};

export const DEFAULT_CHALLENGE = 'GLI';

/** Accepts "GLI", "gli" or "BraTS-GLI", or explicit settings (validated). */
export function resolveChallenge(challenge: string | ChallengeSettings = DEFAULT_CHALLENGE): ChallengeSettings {
  if (typeof challenge !== 'string') {
    const { dilation, volumeThresholdMm3 } = challenge;
    if (!Number.isInteger(dilation) || dilation < 0)
      throw new MetricsInputError(`dilation must be a non-negative integer, got ${dilation}`);
    if (!(volumeThresholdMm3 >= 0)) throw new MetricsInputError(`volume threshold must be >= 0, got ${volumeThresholdMm3}`);
    return challenge;
  }
  const key = challenge.toUpperCase().replace(/^BRATS-/, '');
  const found = CHALLENGES[key];
  if (!found) throw new MetricsInputError(`Unknown challenge "${challenge}". Known: ${Object.keys(CHALLENGES).join(', ')}`);
  return found;
}
