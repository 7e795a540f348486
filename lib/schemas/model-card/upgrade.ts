/**
 * Card 1 -> card 2 without any change of behaviour: card 1 is card 2's special case (the four sequences in the
 * trainer's order, z-score in the non-zero mask for each, RAS at the target spacing, the non-zero crop, gaussian
 * blending, no mirroring, one ONNX file, softmax classes 0..3 standing for labels 0..3 of brats2023).
 */
import type { ModelCardV1 } from './v1';
import { CARD_SCHEMA_V2, type ModelCardV2 } from './v2';

export function upgradeCard(v1: ModelCardV1): ModelCardV2 {
  const { preprocessing: pre, inference: inf, output: out, onnx } = v1;
  return {
    ...v1,
    schema: CARD_SCHEMA_V2,
    preprocessing: { ...pre, channels: [...pre.channels], normalization: pre.channels.map(() => ({ ...pre.normalization })) },
    inference: { ...inf, mirrorAxes: [], average: 'probabilities' },
    output: { ...out, classes: out.classes.map((c) => ({ ...c, label: c.index })), paint: [] },
    onnx: { ...onnx, files: [{ file: onnx.file, sha256: onnx.sha256 }] },
  };
}
