import { voxelVolumeMl, type Spacing } from './types';

/**
 * Guards for region tools (fill): they stay inside the head and ask before a large change. A flood fill seeded in the
 * air, or leaking through a gap in an outline, otherwise takes the whole slice (tens of mL) in one click.
 */

/** 1 where any of the image volumes is non-zero: the head (skull-stripped: the brain), never the air around it. */
export function headMask(volumes: ArrayLike<number>[]): Uint8Array {
  if (volumes.length === 0) throw new Error('headMask needs at least one image volume');
  const n = volumes[0].length;
  if (volumes.some((v) => v.length !== n)) throw new Error('image volumes differ in size');
  const out = new Uint8Array(n);
  for (const v of volumes)
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (x !== 0 && !Number.isNaN(x)) out[i] = 1;
    }
  return out;
}

export function changedMl(voxels: number, spacing: Spacing): number {
  return voxels * voxelVolumeMl(spacing);
}

/** A change of more than `limitMl` needs the user's yes; a limit of 0 or less asks every time, Infinity never. */
export function needsConfirmation(ml: number, limitMl: number): boolean {
  return ml > limitMl;
}

/** "This fill changes 57.3 mL (ET). Apply?" */
export function confirmText(action: string, ml: number, labelName: string): string {
  return `This ${action} changes ${ml.toFixed(1)} mL (${labelName}). Apply?`;
}
