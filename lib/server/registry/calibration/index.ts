import 'server-only';
/**
 * Drift calibration of a registered model on a hospital's own reference cases (`npm run model:calibrate`):
 *
 *   calibrateModel({ model: 'name@version' | id, dataset | caseIds, actor }): Promise<CalibrationResult>
 *   latestCalibration(modelVersionId): the row whose reference the drift checks use, or null (the card's own)
 */
export { calibrateModel, MIN_CALIBRATION_CASES, type CalibrateInput, type CalibrationResult } from './run';
export { latestCalibration, resolveModelVersion } from './resolve';
export { buildReference, type CalibrationCase } from './reference';
export { getDriftReferenceInfo, type DriftReferenceInfoDto, type CalibrationRowDto } from './queries';
