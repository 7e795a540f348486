import 'server-only';
import { z } from 'zod';
import { db } from '../db';
import { acquisitionExpectationSchema } from './acquisition';

/** Setting row holding the drift thresholds (JSON); every field is optional and falls back to the default here. */
export const DRIFT_SETTINGS_KEY = 'drift.settings';

export const driftSettingsSchema = z.object({
  /** a reference's tail threshold: its `tailQuantile` and 1 - `tailQuantile` quantiles (99th / 1st percentile) */
  tailQuantile: z.number().min(0.5).max(1).default(0.99),
  /**
   * A check fails when its score exceeds this; score 1 is exactly at the tail quantile and each further unit is
   * another (median -> threshold) span. Above 1 because a case runs ~25 checks: at 1 nearly a third of in-distribution
   * cases would fail one by chance, at 1.5 a Gaussian quantity needs ~3.5 sigma (measured by bench/drift.ts).
   */
  failScore: z.number().positive().default(1.5),
  /** largest relative difference of a voxel spacing from every spacing seen in training before it fails */
  spacingTolerance: z.number().positive().default(0.25),
  /** volumes are compared on log(mL + offset): a zero volume then lies a finite, meaningful distance away */
  volumeLogOffsetMl: z.number().positive().default(0.1),
  /**
   * Smallest spread (median -> tail quantile) of an intensity reference, relative (0.2 = 20 %, compared on a log
   * scale). Raw intensities vary this much between sessions of one scanner, and the model z-scores every channel;
   * a training set more homogeneous than that (e.g. synthetic) would otherwise flag harmless scale differences.
   */
  intensityMinRelativeSpread: z.number().min(0).default(0.2),
  /** smallest whole-tumour component counted as a lesion in the predicted mask (smaller ones are stray voxels) */
  minLesionMl: z.number().positive().default(0.5),
  /**
   * Smallest spread (median -> tail quantile) of a count reference: where every training case had one lesion, one
   * more lies two spreads out (score 2 / failScore, a fail), which is what an unseen second lesion deserves.
   */
  minCountSpread: z.number().positive().default(0.5),
  /**
   * Threshold for the per-channel histogram shape distance (SDs) when the card carries no per-case distribution of
   * it. 0.3: the largest in-sample distance among the 48 synthetic training cases of tumorwatch-seg 1.0.0 is 0.22
   * (T2F; T1N 0.15, T1C 0.12, T2W 0.20; bench/drift_card_extras.py).
   */
  shapeDistanceThreshold: z.number().positive().default(0.3),
  /**
   * Flip test-time augmentation (lib/server/drift/agnostic): runs only for models whose card (or calibration) has a
   * flip reference. Each flip costs one more inference of the case. flips null: the card's mirror axes one at a
   * time, or left-right (axis 0) for a model without mirroring; the reference was measured with the same flips.
   */
  tta: z
    .object({
      enabled: z.boolean().default(true),
      flips: z
        .array(z.array(z.union([z.literal(0), z.literal(1), z.literal(2)])).min(1))
        .min(1)
        .nullable()
        .default(null),
    })
    .default({ enabled: true, flips: null }),
  /** smallest spread (median -> tail quantile) of the flip-disagreement reference (1 - Dice, averaged over WT/TC/ET) */
  ttaMinSpread: z.number().positive().default(0.02),
  /** share of a sigmoid model's inner region outside its outer region that fails the nesting check at least */
  nestingMaxViolation: z.number().positive().max(1).default(0.05),
  /** acquisition expectations for the fields the card (or calibration) does not record (lib/server/drift/acquisition.ts) */
  expectedAcquisition: acquisitionExpectationSchema.default({}),
  population: z
    .object({
      /** cases per window for "every N cases" windows */
      windowCases: z.number().int().min(5).default(25),
      /** windows with fewer cases are shown but never alert */
      minWindowCases: z.number().int().min(2).default(10),
      psiWarn: z.number().positive().default(0.1),
      psiAlert: z.number().positive().default(0.25),
      /** KS p-value under which a window alerts (Bonferroni-corrected over the tracked quantities) */
      ksAlpha: z.number().positive().max(0.5).default(0.01),
    })
    .default({ windowCases: 25, minWindowCases: 10, psiWarn: 0.1, psiAlert: 0.25, ksAlpha: 0.01 }),
});

export type DriftSettings = z.infer<typeof driftSettingsSchema>;

export const DEFAULT_DRIFT_SETTINGS: DriftSettings = driftSettingsSchema.parse({});

/** Stored settings merged over the defaults; an invalid stored value is reported, never silently half-applied. */
export function parseDriftSettings(stored: unknown): DriftSettings {
  const parsed = driftSettingsSchema.safeParse(stored ?? {});
  if (!parsed.success)
    throw new Error(
      `Setting ${DRIFT_SETTINGS_KEY} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

export async function getDriftSettings(): Promise<DriftSettings> {
  const row = await db().setting.findUnique({ where: { key: DRIFT_SETTINGS_KEY } });
  return parseDriftSettings(row?.value);
}
