/**
 * The history's cases, through the product's own paths: a case arrives as the ingestion API takes it (images only,
 * never the ground truth) and is served as the `serving.case` job serves it (production segments it, the drift checks
 * run); its label is saved, submitted and approved as the editor and the second reader do it.
 */
import { ingestCase } from '../../lib/server/cases/ingest';
import { serveCase } from '../../lib/server/serving/serve-case';
import { SYSTEM } from '../../lib/server/auth/actor';
import { writeNiftiMask } from '../../lib/server/imaging/nifti';
import { approveLabel, getLabelState, saveLabelVersion, submitForReview } from '../../lib/server/labels';
import { groundTruth, readCase, type CaseRef } from '../../scripts/scenario/cohorts';
import { boundaryNoise } from '../../scripts/scenario/edits';
import type { DemoCast } from './cast';
import { PLAN } from './plan';

/**
 * Ingests a case's images (its reference mask stays behind, as with a clinical case) and, with `serve`, serves it now;
 * otherwise its queued serving job waits for the app's worker.
 */
export async function arrive(ref: CaseRef, opts: { serve: boolean } = { serve: true }): Promise<string> {
  const folder = await readCase(ref);
  const { maskLabelMap: _reference, ...metadata } = folder.metadata;
  const files = folder.files.filter((f) => f.field !== 'mask');
  const { caseId } = await ingestCase(SYSTEM, metadata, files);
  if (opts.serve) await serveCase(caseId); // what the worker's serving job runs; idempotent, so a re-seed stores nothing twice
  return caseId;
}

export type LabelMode = 'import' | 'correct';

/**
 * An approved ground truth. 'import': the reference standard is imported (the locked hold-out's reading); 'correct':
 * a radiologist corrects the model's mask to the reference with the small boundary disagreement two readers have.
 * The readers alternate by `turn`, so each authors some cases and second-reads the other's. Resumes a half-done case.
 */
export async function approvedLabel(cast: DemoCast, caseId: string, ref: CaseRef, mode: LabelMode, turn: number) {
  const [author, reviewer] = turn % 2 === 0 ? [cast.radiologist, cast.secondReader] : [cast.secondReader, cast.radiologist];
  let state = (await getLabelState(SYSTEM, caseId)).label;
  if (state?.status === 'APPROVED') return;
  if (state?.status !== 'IN_REVIEW') {
    const gt = await groundTruth(ref);
    const edited = mode === 'import' ? null : boundaryNoise(gt.mask, gt.dims, `demo-history:${ref.caseId}`, PLAN.boundaryNoise);
    const version = await saveLabelVersion({
      actor: author,
      caseId,
      parentVersionId: state?.headVersionId ?? null,
      maskBytes: edited ? writeNiftiMask(edited.mask, gt.like, { level: 1 }) : gt.bytes,
      source: mode === 'import' ? 'IMPORT' : 'EDIT',
      message: mode === 'import' ? 'Reference standard imported for the locked hold-out' : 'Corrected the model segmentation',
    });
    await submitForReview({ actor: author, caseId, versionId: version.id });
    state = (await getLabelState(SYSTEM, caseId)).label;
  }
  await approveLabel({ actor: reviewer, caseId, versionId: state!.headVersionId! });
}
