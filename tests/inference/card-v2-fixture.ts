import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseModelCard, type ModelCard } from '@/lib/schemas/model-card';
import { PRODUCTION_MODEL, PYTHON } from './model-fixture';

/** Card 2 fixtures: the committed card upgraded and rewritten, and tiny ONNX graphs written by tiny_onnx.py. */

export interface TinyOnnx {
  name: string;
  /** (K, C) 1x1x1 convolution weights */
  weights: number[][];
  bias: number[];
  /** emit `features` (the spatial mean of the input), default true */
  features?: boolean;
}

/** Writes each graph to <dir>/<name>.onnx; returns their bytes by name. */
export async function writeTinyOnnx(dir: string, specs: TinyOnnx[]): Promise<Record<string, Uint8Array>> {
  const spec = path.join(dir, 'tiny-onnx.json');
  writeFileSync(spec, JSON.stringify(specs));
  await promisify(execFile)(PYTHON, [path.join(__dirname, 'tiny_onnx.py'), dir, spec], { timeout: 120_000 });
  return Object.fromEntries(specs.map((s) => [s.name, new Uint8Array(readFileSync(path.join(dir, `${s.name}.onnx`)))]));
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The committed v1 card as card 2 (a deep copy the caller may change). */
export function upgradedProductionCard(): ModelCard {
  const raw = JSON.parse(readFileSync(path.join(PRODUCTION_MODEL, 'model-card.json'), 'utf8'));
  return structuredClone(parseModelCard(raw));
}

/** Card 2 for tiny graphs of `channels` inputs: no feature tensor, the given members; the rest from the caller. */
export function tinyCard(members: { file: string; bytes: Uint8Array }[], change: (c: ModelCard) => void): ModelCard {
  const c = upgradedProductionCard();
  c.output.featureDim = 0;
  c.output.featuresName = '';
  c.reference.features = null;
  c.onnx.files = members.map((m) => ({ file: m.file, sha256: sha256(m.bytes) }));
  c.onnx.file = c.onnx.files[0].file;
  c.onnx.sha256 = c.onnx.files[0].sha256;
  change(c);
  return parseModelCard(c);
}
