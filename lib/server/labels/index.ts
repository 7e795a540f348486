import 'server-only';
/**
 * Ground-truth labels: immutable versions, optimistic concurrency, and review.
 *
 * For other domains (datasets, scenarios):
 * - `saveLabelVersion({ actor, caseId, parentVersionId, maskBytes | mask, message, source, labelMap?, asBranch? })`
 *   stores a new version (CONFLICT when `parentVersionId` is no longer the head; `asBranch` stores it beside the head).
 *   `mask` is a Uint8Array on the case grid in the volumes' native voxel order (x fastest), labels 0-3;
 *   `maskBytes` is a NIfTI file on the case grid (its affine must equal the case volumes').
 * - `submitForReview({ actor, caseId, versionId })`, `approveLabel(...)`, `returnLabel({ ..., comment })`: the review
 *   state machine DRAFT -> IN_REVIEW -> APPROVED | RETURNED (any new version makes the label a DRAFT again). An
 *   approval then checks the retraining trigger and returns what it did (`retraining`).
 * - `getApprovedLabel(caseId)`: the ground truth (head of an APPROVED label) or null. Use only this for datasets.
 * - `readLabelVersionMask(caseId, versionId)`: voxels of a version (native order, product labels).
 * - `caseLabelSummary(caseId)`: review state and versions for the case page (any role that may view the case).
 * Every function checks the actor's permission itself and writes its audit events in the same transaction.
 */
export { saveLabelVersion, restoreLabelVersion, listLabelVersions, readLabelVersionMask } from './versions';
export type { SaveLabelVersionInput, RestoreLabelVersionInput } from './versions';
export { submitForReview, approveLabel, returnLabel, getApprovedLabel, isSingleReader, SINGLE_READER_SETTING } from './review';
export type { ApprovalDto, ApprovedLabelDto, ApprovalDice, LabelStatusDto, ReviewInput } from './review';
export { getLabelState, diffLabelVersions } from './queries';
export type { LabelStateDto, VersionDiff } from './queries';
export type { LabelVersionDto } from './store';
export { listReviewQueue } from './queue';
export { caseLabelSummary } from './case-label';
export type { CaseLabelDto } from './case-label';
export type { ReviewQueueItemDto } from './queue';
