import { z } from 'zod';
import { defineAudit, id } from '../define';

/** Drift calibration of a registered model version (`npm run model:calibrate`). */
export const calibrationActions = {
  /** A reference measured on a hospital's reference cases and stored as a ModelCalibration row. */
  modelCalibrate: defineAudit(
    'model.calibrate',
    'ModelVersion',
    z.object({
      calibrationId: id,
      model: z.string(),
      datasetId: z.string().nullable(),
      datasetName: z.string().nullable(),
      cases: z.number().int().positive(),
      labelledCases: z.number().int().nonnegative(),
      /** the reference parts it measured (intensity, imageMetadata, features, volumes, agnostic) */
      parts: z.array(z.string()),
      flips: z.array(z.array(z.number().int())),
    }),
  ),
};
