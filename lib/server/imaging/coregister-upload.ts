import 'server-only';
import { AppError } from '../errors';
import { CASE_MODALITIES, uploadRole, type CaseModality } from './validate';
import { coregisterToReference, headerGrid, sameGrid, type Grid, type RegistrationRecord } from './coregister';

export interface AlignedUpload<F> {
  files: F[];
  /** per resampled sequence: how it was brought onto the reference grid */
  registrations: Partial<Record<CaseModality, RegistrationRecord>>;
}

/**
 * A NIfTI upload whose sequences lie on different grids (refused with 422 "grid does not match" before co-registration
 * existed) has the off-grid sequences resampled onto the reference grid; the files then validate as one grid. The
 * reference is the mask's grid when a mask was sent (the mask is never resampled: labels would blur), else the grid
 * most sequences share, T1C's on a tie (the contrast-enhanced scan carries the tumour's boundaries). Files whose
 * header cannot be read pass unchanged: validation names their problem.
 */
export async function alignUploadGrids<F extends { field: string; filename: string; bytes: Uint8Array }>(
  files: F[],
  opts: { signal?: AbortSignal } = {},
): Promise<AlignedUpload<F>> {
  const images = new Map<CaseModality, { file: F; grid: Grid }>();
  let maskGrid: Grid | null = null;
  let maskName = '';
  for (const f of files) {
    const role = uploadRole(f.field);
    const grid = role ? headerGrid(f.bytes) : null;
    if (!role || !grid || (role !== 'MASK' && images.has(role))) return { files, registrations: {} };
    if (role === 'MASK') [maskGrid, maskName] = [grid, f.filename];
    else images.set(role, { file: f, grid });
  }
  const reference = pickReference(images, maskGrid);
  const moving = [...images].filter(([, v]) => !sameGrid(v.grid, reference.grid));
  if (moving.length === 0) return { files, registrations: {} };
  if (!reference.modality)
    throw new AppError(
      'INVALID_INPUT',
      `${maskName}: mask grid does not match any sequence's grid; the sequences can be co-registered onto the mask's grid, but a mask is never resampled (its labels would blur)`,
      { status: 422 },
    );
  const done = await coregisterToReference(
    reference.modality,
    images.get(reference.modality)!.file.bytes,
    moving.map(([m, v]) => ({ name: m, bytes: v.file.bytes })),
    opts,
  );
  const replaced = new Map(moving.map(([m, v]) => [v.file, done[m].bytes]));
  return {
    files: files.map((f) => (replaced.has(f) ? { ...f, bytes: replaced.get(f)! } : f)),
    registrations: Object.fromEntries(moving.map(([m]) => [m, done[m].registration])),
  };
}

function pickReference(images: Map<CaseModality, { grid: Grid }>, maskGrid: Grid | null) {
  const order = ['T1C', ...CASE_MODALITIES.filter((m) => m !== 'T1C')] as CaseModality[];
  const present = order.filter((m) => images.has(m));
  if (maskGrid) return { modality: present.find((m) => sameGrid(images.get(m)!.grid, maskGrid)), grid: maskGrid };
  let best = present[0];
  let bestCount = 0;
  for (const m of present) {
    const count = present.filter((o) => sameGrid(images.get(o)!.grid, images.get(m)!.grid)).length;
    if (count > bestCount) [best, bestCount] = [m, count];
  }
  return { modality: best, grid: images.get(best)?.grid ?? ({ dims: [0, 0, 0], affine: [] } as Grid) };
}
