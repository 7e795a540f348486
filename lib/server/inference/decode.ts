import 'server-only';
import { getLabelMap } from '@/lib/labels';
import type { ModelCard } from '@/lib/schemas/model-card';
import type { Decoder } from './postprocess';

/**
 * The card's output description as a decoder: the model's own labels (its label map: brats2023 {1,2,3}, brats2020
 * {1,2,4}, brats2024 with resection cavity 4) go to the product's 1 NCR, 2 ED, 3 ET; a label the map does not send
 * to the product (brats2024's resection cavity) is background.
 */
export function decoderForCard(card: ModelCard): Decoder {
  const out = card.output;
  const toProduct = getLabelMap(out.labelMap).toProduct;
  const product = (label: number) => (label === 0 ? 0 : (toProduct[label] ?? 0));
  if (out.kind === 'softmax') return { kind: 'argmax', lut: Uint8Array.from(out.classes, (c) => product(c.label ?? c.index)) };
  const lut = new Uint8Array(256);
  for (let v = 1; v < 256; v++) lut[v] = product(v);
  return { kind: 'regions', thresholds: out.classes.map((c) => c.threshold ?? 0.5), paint: out.paint, lut };
}
