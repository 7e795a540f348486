import 'server-only';
import type { Mat4 } from '../affine';
import { applyMotion } from './artefacts';
import { smoothField } from './fields';
import { coarsen, embedInt16, embedUint8, renderModality } from './intensity';
import { applyPresets } from './presets';
import { planBox, renderClasses } from './render';
import { hash32, Rng } from './rng';
import { DEFAULT_GRID, sampleBaseline, type GridOptions } from './sample';
import { MODALITIES, type CaseSpec, type Modality } from './types';

export interface CaseRequest {
  caseId: string;
  /** any string; the same (seed, caseId, domain, grid, shifts) always yields the same bytes */
  seed: string;
  domain: string;
  grid?: GridOptions;
  shifts?: string[];
}

export interface GeneratedCase {
  spec: CaseSpec;
  dims: [number, number, number];
  spacing: [number, number, number];
  affine: Mat4;
  /** images by the file they are written to (after swaps); a missing modality has no entry */
  images: Partial<Record<Modality, Int16Array>>;
  /** product labels 1 NCR, 2 ED, 3 ET */
  seg: Uint8Array;
  volumesMl: { NCR: number; ED: number; ET: number; TC: number; WT: number };
}

export function buildSpec(req: CaseRequest): CaseSpec {
  const rng = new Rng(`${req.seed}|${req.domain}|${req.caseId}`);
  const spec = sampleBaseline(rng.fork('baseline'), req.caseId, req.seed, req.domain, req.grid ?? DEFAULT_GRID);
  applyPresets(spec, req.shifts ?? [], rng.fork('presets'));
  return spec;
}

/** LPS like the BraTS/SRI-24 files: i runs to the left, j to the back, k up; origin as in the real data. */
export function lpsAffine(dims: [number, number, number], spacing: [number, number, number]): Mat4 {
  const [sx, sy, sz] = spacing;
  return [-sx, 0, 0, 0, 0, -sy, 0, (dims[1] - 1) * sy, 0, 0, sz, 0, 0, 0, 0, 1];
}

export function generateCase(req: CaseRequest): GeneratedCase {
  return renderSpec(buildSpec(req));
}

export function renderSpec(spec: CaseSpec): GeneratedCase {
  const rng = new Rng(`${spec.seed}|${spec.domain}|${spec.caseId}|render`);
  const box = planBox(spec);
  const { cls, texture } = renderClasses(spec, box, rng.fork('anatomy'));
  const { coarse, seg: boxSeg } = coarsen(box, cls, spec.zOversample);
  const coarseSpacing: [number, number, number] = [spec.spacing[0], spec.spacing[1], spec.spacing[2]];
  const bias = smoothField(coarse.dims, coarseSpacing, 90, rng.fork('bias'));
  const rendered: Partial<Record<Modality, Int16Array>> = {};
  for (const m of MODALITIES) {
    if (spec.missing.includes(m)) continue;
    const gain = 0.7 + 0.6 * rng.fork(`gain:${m}`).next(); // coil sensitivity differs a little per sequence
    const img = renderModality(spec, m, box, cls, texture, coarse, bias, gain, hash32(`${spec.seed}|${spec.caseId}|noise:${m}`));
    let vol = embedInt16(img, coarse, spec.dims);
    if (spec.motion) vol = applyMotion(vol, spec.dims, spec.spacing[1], spec.motion);
    rendered[m] = vol;
  }
  const images = { ...rendered };
  for (const [a, b] of spec.swapped) {
    images[a] = rendered[b];
    images[b] = rendered[a];
  }
  const seg = embedUint8(boxSeg, coarse, spec.dims);
  return {
    spec,
    dims: spec.dims,
    spacing: spec.spacing,
    affine: lpsAffine(spec.dims, spec.spacing),
    images,
    seg,
    volumesMl: labelVolumes(seg, spec.spacing),
  };
}

export function labelVolumes(seg: Uint8Array, spacing: [number, number, number]) {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < seg.length; i++) counts[seg[i]]++;
  const ml = (n: number) => Math.round(((n * spacing[0] * spacing[1] * spacing[2]) / 1000) * 100) / 100;
  return {
    NCR: ml(counts[1]),
    ED: ml(counts[2]),
    ET: ml(counts[3]),
    TC: ml(counts[1] + counts[3]),
    WT: ml(counts[1] + counts[2] + counts[3]),
  };
}
