import 'server-only';
/**
 * The model registry and the promotion pipeline.
 *
 * - `registerModelVersion(actor, { onnx, card, stage?, parentId?, trainingRunId?, snapshotId? })` (register.ts).
 * - Promotion (ML engineers; audited with actor, time and reason in the stage change's transaction; each step freezes
 *   an evidence report): `promoteToShadow` (needs a PASSING evaluation against today's production under today's
 *   criteria), `promoteToCanary` (1-50% traffic, one canary at a time), `promoteToProduction` (password re-check, reason,
 *   archives the previous production, stores an Approval), `rejectModel`, `rollbackProduction` (restores the version the
 *   current production replaced), `rollbackCanary`.
 * - Serving hooks for the serving job: `recordShadowAgreement(predictionId)` after a SHADOW or CANARY prediction is
 *   stored; `checkCanaryHealth()` after each canary case (rolls the canary back automatically when its flag or drifter
 *   rate exceeds production's by the configured margin over the configured minimum of cases).
 * - Reads: `listModelVersions`, `getModelDetail`, `productionHistory`, `deploymentReport`; evidence: `evidenceFile`.
 */
export { registerModelVersion, readModelDir, validateModelArtefacts } from './register';
export { promoteToShadow, promoteToCanary, promoteToProduction, rejectModel, assertPassingEvaluation } from './promotion';
export { rollbackProduction, rollbackCanary, previousProductionOf, type StageChangeDto } from './rollback';
export { recordShadowAgreement, type Agreement } from './shadow';
export { checkCanaryHealth, canaryDecision, type CanaryHealth } from './canary';
export { deploymentReport, type DeploymentReport } from './monitoring';
export { listModelVersions, getModelDetail, type ModelDetailDto, type ModelRowDto } from './queries';
export { productionHistory, type ProductionPeriod } from './history';
export { evidenceFile } from './evidence/store';
