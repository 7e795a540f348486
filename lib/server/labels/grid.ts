import 'server-only';
import type { Db, Tx } from '../db';
import { AppError } from '../errors';
import type { Mat4 } from '../imaging/affine';

/**
 * The voxel grid every label of a case lives on: the grid of its co-registered volumes. The stored mask is written with
 * the reference volume's affine; uploaded masks may carry any of the case volumes' affines (NiiVue writes the header of
 * whichever modality is the background at save time, and sform/qform codes differ between files of one case).
 */
export interface CaseGrid {
  dims: [number, number, number];
  spacing: [number, number, number];
  /** affine of the reference volume (T1C when present: the modality the label is usually drawn on) */
  affine: Mat4;
  /** every volume's affine, for accepting uploads written against any of them */
  affines: Mat4[];
}

const REFERENCE_ORDER = ['T1C', 'T1N', 'T2W', 'T2F'];
/** mm (and unitless for the rotation/zoom part): far below a voxel, far above float32 rounding of a header. */
export const AFFINE_TOLERANCE = 1e-3;

export async function loadCaseGrid(client: Db | Tx, caseId: string): Promise<CaseGrid> {
  const c = await client.case.findUnique({ where: { id: caseId }, include: { volumes: true } });
  if (!c) throw new AppError('NOT_FOUND', 'No such case.');
  if (c.volumes.length === 0) throw new AppError('INVALID_INPUT', 'This case has no image volumes yet, so it cannot be labelled.');
  const volumes = [...c.volumes].sort((a, b) => REFERENCE_ORDER.indexOf(a.modality) - REFERENCE_ORDER.indexOf(b.modality));
  const dims = volumes[0].dims as [number, number, number];
  for (const v of volumes) {
    const d = v.dims as number[];
    if (d.length !== 3 || d.some((x, i) => x !== dims[i]))
      throw new AppError(
        'INVALID_INPUT',
        `The volumes of this case are not on one grid (${v.modality} is ${d.join('x')}, expected ${dims.join('x')}).`,
      );
  }
  return {
    dims,
    spacing: volumes[0].spacing as [number, number, number],
    affine: volumes[0].affine as Mat4,
    affines: volumes.map((v) => v.affine as Mat4),
  };
}

export function voxelTotal(grid: Pick<CaseGrid, 'dims'>): number {
  return grid.dims[0] * grid.dims[1] * grid.dims[2];
}
