import type { RegionName } from '@/lib/labels';
import { MAX_LABEL, voxelVolumeMl, type Spacing } from './types';
import type { EditEntry } from './history';

/** Voxels per product label, as stored in LabelVersion.voxelCounts: { "1": n, "2": n, "3": n }. */
export type LabelCounts = Record<'1' | '2' | '3', number>;

export function emptyCounts(): LabelCounts {
  return { '1': 0, '2': 0, '3': 0 };
}

export function countLabels(mask: ArrayLike<number>): LabelCounts {
  const hist = new Float64Array(256);
  for (let i = 0; i < mask.length; i++) hist[mask[i]]++;
  return { '1': hist[1], '2': hist[2], '3': hist[3] };
}

/** Counts after applying (direction 1) or reverting (-1) a history entry, without rescanning the mask. */
export function applyEntryToCounts(counts: LabelCounts, entry: EditEntry, direction: 1 | -1): LabelCounts {
  const next = { ...counts };
  const [from, to] = direction === 1 ? [entry.before, entry.after] : [entry.after, entry.before];
  for (let i = 0; i < from.length; i++) {
    if (from[i] >= 1 && from[i] <= MAX_LABEL) next[String(from[i]) as keyof LabelCounts]--;
    if (to[i] >= 1 && to[i] <= MAX_LABEL) next[String(to[i]) as keyof LabelCounts]++;
  }
  return next;
}

export function countsToMl(counts: LabelCounts, spacing: Spacing): LabelCounts {
  const v = voxelVolumeMl(spacing);
  return { '1': counts['1'] * v, '2': counts['2'] * v, '3': counts['3'] * v };
}

export function changedVoxels(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`masks differ in size (${a.length} vs ${b.length})`);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

const REGIONS: Record<RegionName, readonly number[]> = { WT: [1, 2, 3], TC: [1, 3], ET: [3] };

/**
 * Plain Dice per BraTS region (WT = 1|2|3, TC = 1|3, ET = 3) between two product-convention masks; 1 when both are
 * empty (agreement on absence). One pass with a 4x4 joint histogram, so an 8.9M-voxel pair takes milliseconds.
 */
export function regionDice(a: ArrayLike<number>, b: ArrayLike<number>): Record<RegionName, number> {
  if (a.length !== b.length) throw new Error(`masks differ in size (${a.length} vs ${b.length})`);
  const joint = new Float64Array(16);
  for (let i = 0; i < a.length; i++) {
    const x = a[i],
      y = b[i];
    if (x > MAX_LABEL || y > MAX_LABEL) throw new Error(`label ${Math.max(x, y)} is not a product label`);
    joint[x * 4 + y]++;
  }
  const out = {} as Record<RegionName, number>;
  for (const [name, labels] of Object.entries(REGIONS) as [RegionName, readonly number[]][]) {
    let inter = 0,
      na = 0,
      nb = 0;
    for (let x = 0; x < 4; x++)
      for (let y = 0; y < 4; y++) {
        const n = joint[x * 4 + y];
        const ia = labels.includes(x),
          ib = labels.includes(y);
        if (ia) na += n;
        if (ib) nb += n;
        if (ia && ib) inter += n;
      }
    out[name] = na + nb === 0 ? 1 : (2 * inter) / (na + nb);
  }
  return out;
}

export interface LabelDiff {
  /** voxels that hold the label in `to` but not in `from`, per label */
  added: LabelCounts;
  /** voxels that held the label in `from` but not in `to`, per label */
  removed: LabelCounts;
  changed: number;
}

/** Diff classes in the overlay mask: 1 = added (was background), 2 = removed (now background), 3 = relabelled. */
export const DIFF_ADDED = 1;
export const DIFF_REMOVED = 2;
export const DIFF_RELABELLED = 3;

export function diffMasks(from: ArrayLike<number>, to: ArrayLike<number>): { diff: LabelDiff; overlay: Uint8Array } {
  if (from.length !== to.length) throw new Error(`masks differ in size (${from.length} vs ${to.length})`);
  const added = emptyCounts(),
    removed = emptyCounts();
  const overlay = new Uint8Array(from.length);
  let changed = 0;
  for (let i = 0; i < from.length; i++) {
    const a = from[i],
      b = to[i];
    if (a === b) continue;
    changed++;
    if (a !== 0) removed[String(a) as keyof LabelCounts]++;
    if (b !== 0) added[String(b) as keyof LabelCounts]++;
    overlay[i] = a === 0 ? DIFF_ADDED : b === 0 ? DIFF_REMOVED : DIFF_RELABELLED;
  }
  return { diff: { added, removed, changed }, overlay };
}
