import { componentBoxes, labelRuns, type RunComponents } from './components';
import { dilateRuns } from './dilation';
import { forEachOverlap, type Runs } from './runs';
import type { Box } from './types';

/**
 * The BraTS 2023 lesion structure of one region, computed on runs:
 * - reference and prediction split into 26-connected components;
 * - the reference dilated (18-connected element, `dilation` passes) and split again: reference components in one
 *   dilated component form one lesion (the official get_gt_seg_combined_by_dilation);
 * - a predicted component matches a lesion when it has a voxel in the lesion's dilated footprint. The footprint of
 *   a lesion is exactly its dilated component (the dilation of a union is the union of the dilations), so one
 *   overlap sweep of predicted runs against dilated runs finds every match.
 */
export interface LesionStructure {
  ref: RunComponents;
  pred: RunComponents;
  refBoxes: Box[];
  predBoxes: Box[];
  lesionCount: number;
  /** lesion id (1-based, ordered by the first voxel of the lesion) of each reference component */
  lesionOfRef: Int32Array;
  /** per lesion id: matched predicted component ids, increasing */
  matchedPred: number[][];
  /** per predicted component id: matched lesion ids, increasing */
  matchedLesions: number[][];
  /** per lesion id: voxels shared with its matched predicted components */
  intersection: Float64Array;
  /** voxels shared by the whole reference and prediction masks */
  overlapVoxels: number;
}

export function lesionStructure(refRuns: Runs, predRuns: Runs, dilation: number): LesionStructure {
  const ref = labelRuns(refRuns);
  const pred = labelRuns(predRuns);
  const dilated = dilateRuns(refRuns, dilation);
  const dil = dilation === 0 ? ref : labelRuns(dilated);

  const dilOfRef = new Int32Array(ref.count + 1);
  forEachOverlap(refRuns, dilated, (i, j) => {
    dilOfRef[ref.runLabel[i]] = dil.runLabel[j];
  });
  const lesionOfDil = new Int32Array(dil.count + 1);
  const lesionOfRef = new Int32Array(ref.count + 1);
  let lesionCount = 0;
  for (let c = 1; c <= ref.count; c++) {
    const d = dilOfRef[c];
    if (lesionOfDil[d] === 0) lesionOfDil[d] = ++lesionCount;
    lesionOfRef[c] = lesionOfDil[d];
  }

  const pairs = new Set<number>();
  forEachOverlap(predRuns, dilated, (i, j) => {
    pairs.add(lesionOfDil[dil.runLabel[j]] * (pred.count + 1) + pred.runLabel[i]);
  });
  const matchedPred: number[][] = Array.from({ length: lesionCount + 1 }, () => []);
  const matchedLesions: number[][] = Array.from({ length: pred.count + 1 }, () => []);
  for (const key of [...pairs].sort((a, b) => a - b)) {
    const p = key % (pred.count + 1);
    const l = (key - p) / (pred.count + 1);
    matchedPred[l].push(p);
    matchedLesions[p].push(l);
  }
  for (const list of matchedLesions) list.sort((a, b) => a - b);

  // A predicted voxel on a reference voxel lies in that lesion's footprint, so every overlap is a matched pair.
  const intersection = new Float64Array(lesionCount + 1);
  let overlapVoxels = 0;
  forEachOverlap(predRuns, refRuns, (_i, j, n) => {
    intersection[lesionOfRef[ref.runLabel[j]]] += n;
    overlapVoxels += n;
  });

  return {
    ref,
    pred,
    refBoxes: componentBoxes(refRuns, ref),
    predBoxes: componentBoxes(predRuns, pred),
    lesionCount,
    lesionOfRef,
    matchedPred,
    matchedLesions,
    intersection,
    overlapVoxels,
  };
}
