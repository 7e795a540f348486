import 'server-only';
/**
 * The evaluation gate.
 *
 * - `runEvaluation(modelVersionId, { signal, reportProgress })`: the `evaluation.run` job (worker/handlers-evaluation.ts).
 *   Runs the candidate and the current production model on every locked hold-out set, the drifter hold-out and the
 *   candidate's previously problematic cases (stored predictions are reused, otherwise the model runs), scores every
 *   case against its approved ground truth, computes seeded bootstrap CIs and a verdict per criterion, and stores the
 *   Evaluation (aggregate, criteriaResults, per-case JSON blob) with audit events.
 * - Acceptance criteria: `ensureDefaultCriteria()` (seed: inserts version 1 when none exists), `getActiveCriteria()`,
 *   `saveCriteriaVersion(actor, { config, reason })` (inserts the next version), `listCriteriaVersions()`.
 * - Reads: `listEvaluations`, `getEvaluation`, `latestFinishedEvaluation`, `readPerCase`, `comparisonView`, `comparisonCase`.
 * The gate's logic is pure (aggregate.ts, verdict.ts) and tested on hand-made figures.
 */
export { runEvaluation, type StoredCriteriaResults, type StoredPerCase } from './run';
export {
  ensureDefaultCriteria,
  getActiveCriteria,
  getCriteriaVersion,
  listCriteriaVersions,
  saveCriteriaVersion,
  type CriteriaVersionDto,
} from './criteria';
export { evaluationRunJob, enqueueEvaluation } from './jobs';
export { requestEvaluation } from './request';
export {
  getEvaluation,
  latestFinishedEvaluation,
  listEvaluations,
  readPerCase,
  type EvaluationDetailDto,
  type EvaluationRowDto,
} from './queries';
export { comparisonCase, comparisonView, type ComparisonCaseDto, type ComparisonDto, type ComparisonRowDto } from './compare';
export type * from './types';
