import 'server-only';
import { evaluateCase, summarizeCase } from '@/lib/metrics';
import { db } from '../db';
import { loadCaseGrid } from '../labels/grid';
import { readVersionMask } from '../labels/store';
import { MaskSource, type MaskModel, type ModelMask } from './masks';
import type { EvalCase } from './cases';
import type { CaseFigures, ModelCaseResult, PerCaseRecord } from './types';

export interface ComputeOptions {
  candidate: MaskModel;
  baseline: MaskModel | null;
  cases: EvalCase[];
  signal?: AbortSignal;
  /** called after each case with (done, total) */
  onProgress?: (done: number, total: number) => Promise<void>;
}

function figures(
  pred: Uint8Array,
  ref: Uint8Array,
  grid: { dims: [number, number, number]; spacing: [number, number, number] },
): CaseFigures {
  return summarizeCase(evaluateCase({ pred, ref, dims: grid.dims, spacing: grid.spacing }));
}

function result(m: ModelMask, metrics: CaseFigures): ModelCaseResult {
  return { maskSha256: m.sha256, maskBlobKey: m.blobKey, source: m.source, metrics };
}

/**
 * Both models on every case, scored against the case's ground truth. A case in two sets with the same ground truth
 * is computed once. Sequential on purpose: each case holds three full-size masks and the model sessions.
 */
export async function computePerCase(opts: ComputeOptions): Promise<PerCaseRecord[]> {
  const source = new MaskSource();
  const done = new Map<string, Omit<PerCaseRecord, 'setKey'>>();
  const out: PerCaseRecord[] = [];
  for (const [i, c] of opts.cases.entries()) {
    opts.signal?.throwIfAborted();
    const key = `${c.caseId}/${c.labelVersionId}`;
    let rec = done.get(key);
    if (!rec) {
      const grid = await loadCaseGrid(db(), c.caseId);
      const ref = await readVersionMask({ blobKey: c.labelBlobKey }, grid);
      const cand = await source.maskFor(opts.candidate, c.caseId, grid);
      const base = opts.baseline ? await source.maskFor(opts.baseline, c.caseId, grid) : null;
      rec = {
        caseId: c.caseId,
        externalId: c.externalId,
        reference: { labelVersionId: c.labelVersionId, sha256: c.labelSha256, blobKey: c.labelBlobKey },
        candidate: result(cand, figures(cand.mask, ref, grid)),
        baseline: base ? result(base, figures(base.mask, ref, grid)) : null,
      };
      done.set(key, rec);
    }
    out.push({ setKey: c.setKey, ...rec });
    await opts.onProgress?.(i + 1, opts.cases.length);
  }
  return out;
}
