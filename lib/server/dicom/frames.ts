import 'server-only';
import type * as dicomParser from 'dicom-parser';

/**
 * The slice geometry of an enhanced multi-frame object (Enhanced MR and the like): each frame's ImagePositionPatient
 * in PerFrameFunctionalGroupsSequence > PlanePositionSequence, the orientation in the shared functional groups (or,
 * failing that, in the first frame's). The missing-slice check needs it: dcm2niix stacks the frames it is given at an
 * even spacing, so a multi-frame series with a frame left out converts, silently, to a volume squeezed along the
 * slice axis (the 130-frame GE series without one frame converts to 129 slices, with no warning).
 */
export interface FrameGeometry {
  positions: number[][];
  /** one orientation for all frames (null when the frames disagree: several stacks, nothing to compare) */
  orientation: number[] | null;
}

const TAG = {
  shared: 'x52009229',
  perFrame: 'x52009230',
  planePosition: 'x00209113',
  planeOrientation: 'x00209116',
  position: 'x00200032',
  orientation: 'x00200037',
} as const;

function numbers(text: string | undefined, n: number): number[] | null {
  const v = (text ?? '').split('\\').map(Number);
  return v.length === n && v.every(Number.isFinite) ? v : null;
}

/** The first item's data set of a sequence inside `ds`, if any. */
const item = (ds: dicomParser.DataSet | undefined, tag: string) => ds?.elements[tag]?.items?.[0]?.dataSet;

function orientationOf(ds: dicomParser.DataSet | undefined): number[] | null {
  return numbers(item(ds, TAG.planeOrientation)?.string(TAG.orientation), 6);
}

/** Null unless every frame names its position. */
export function frameGeometry(ds: dicomParser.DataSet): FrameGeometry | null {
  const frames = ds.elements[TAG.perFrame]?.items ?? [];
  if (!frames.length) return null;
  const positions: number[][] = [];
  const orientations = new Set<string>();
  for (const f of frames) {
    const p = numbers(item(f.dataSet, TAG.planePosition)?.string(TAG.position), 3);
    if (!p) return null;
    positions.push(p);
    const o = orientationOf(f.dataSet);
    if (o) orientations.add(o.join('\\'));
  }
  const shared = orientationOf(item(ds, TAG.shared));
  if (shared) return { positions, orientation: shared };
  return { positions, orientation: orientations.size === 1 ? numbers([...orientations][0], 6) : null };
}
