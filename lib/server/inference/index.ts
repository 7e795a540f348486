import 'server-only';

/** Server-side segmentation with the ONNX model (see pipeline.ts; the Python reference is training/.../predict.py). */
export { loadModel, releaseModels, type LoadedModel, type ModelSource, type LoadModelOptions } from './session';
export { segment, type SegmentOptions, type SegmentResult } from './pipeline';
export type { CaseVolumes, Channel } from './preprocess';
export type { SubregionVolumes, ComponentCounts } from './summary';
