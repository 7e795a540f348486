import 'server-only';
/**
 * Drift detection for production predictions.
 *
 *   computeDriftReport({ caseId, predictionId, volumes?, mask?, actor? }): Promise<DriftReportDto>
 *     Call after a production inference has stored its Prediction (volumesMl, componentCounts, uncertainty,
 *     features, maskBlobKey). Pass `volumes` (the decoded NIfTI volumes by modality, e.g. the NiftiVolume objects
 *     inference read) and `mask` (SegmentResult.mask) to skip fetching and inflating them again (~0.1 s of CPU for a
 *     240x240x155 case; the checks themselves take about as much). Writes the DriftReport (upsert on
 *     predictionId, so a retried job rewrites it) and a `drift.report` audit event (actor WORKER by default) in one
 *     transaction; throws AppError NOT_FOUND when the prediction does not belong to the case.
 *
 * The checks themselves are pure (checks/*.ts: metadata, intensity, image, output) over CaseStats and a
 * DriftReference read from the model card (reference.ts); thresholds come from the `drift.settings` Setting.
 */
export { computeDriftReport, type ComputeDriftReportInput, type DriftReportDto } from './report';
export { getCaseDriftReport, type CaseDriftReportDto } from './queries';
export { evaluateCase, runChecks, combine, type DriftVerdict } from './checks';
export { driftReferenceFromCard, cachedDriftReference, OPTIONAL_CARD_FIELDS } from './reference';
export { imageStats, metadataStats, outputStats, type DecodedVolume } from './case-stats';
export { getDriftSettings, parseDriftSettings, DEFAULT_DRIFT_SETTINGS, DRIFT_SETTINGS_KEY, type DriftSettings } from './settings';
export type { CheckResult, CheckVerdict, CheckFamily, CaseStats, DriftReference } from './types';
