/**
 * Segmentation metrics, isomorphic (no Node APIs): BraTS 2023 lesion-wise Dice/HD95, plain overlap and distance
 * metrics, lesion detection, bootstrap CIs. Definitions and the choices made where the official code is the only
 * specification: lib/metrics/README.md.
 */
export { evaluateCase, evaluateRegion, evaluateRegionRuns } from './evaluate';
export { summarizeCase, summarizeRegion, type RegionSummary } from './summary';
export { CHALLENGES, DEFAULT_CHALLENGE, resolveChallenge } from './challenges';
export { connectedComponents26, labelRuns } from './components';
export { dilate18, dilateRuns } from './dilation';
export { edt, squaredEdt } from './edt';
export { hd95, surfaceDistances } from './hd95';
export { neighbourCodes, robustHausdorff, surfaceDistancesCropped, surfelAreas, type SurfaceDistances } from './surface';
export { pairwiseSum, weightedPercentile } from './percentile';
export { MISSED_HD95 } from './lesionwise';
export { runsFromMask, type Runs } from './runs';
export { confusion, dice, sensitivitySpecificity } from './overlap';
export { assertSameGrid, labelBytes, type GridVolume } from './grid';
export {
  bootstrapMeanCI,
  bootstrapPairedDifferenceCI,
  quantileSorted,
  seededRng,
  type BootstrapOptions,
  type ConfidenceInterval,
} from './bootstrap';
export * from './types';
