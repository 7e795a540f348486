import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseModelCard, type ModelCard } from '@/lib/schemas/model-card';
import { PRODUCTION_MODEL, PYTHON } from '../inference/model-fixture';

/** ONNX graphs written by import_graphs.py, and cards 2 for them built from the committed card. */

export interface Graph {
  name: string;
  /** (K, C) 1x1x1 convolution weights: K classes, C channels */
  weights: number[][];
  bias: number[];
  /** the width F of the `features` output; absent: no feature tensor */
  features?: number;
  /** fixed spatial input dims; absent: symbolic */
  spatial?: [number, number, number];
  input?: string;
  logits?: string;
  featuresName?: string;
}

/** Writes each graph to <dir>/<name>.onnx; returns their bytes by name. */
export async function writeGraphs(dir: string, graphs: Graph[]): Promise<Record<string, Uint8Array>> {
  const spec = path.join(dir, 'graphs.json');
  writeFileSync(spec, JSON.stringify(graphs));
  await promisify(execFile)(PYTHON, [path.join(__dirname, 'import_graphs.py'), dir, spec], { timeout: 120_000 });
  return Object.fromEntries(graphs.map((g) => [g.name, new Uint8Array(readFileSync(path.join(dir, `${g.name}.onnx`)))]));
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A K x C weight matrix with a distinct, deterministic value per entry (scale picks the model). */
export const weights = (k: number, c: number, scale = 1): number[][] =>
  Array.from({ length: k }, (_, i) => Array.from({ length: c }, (_, j) => scale * (((i * 7 + j * 3) % 5) - 2) * 0.3));

/**
 * The committed card as card 2 for `members` (file name and bytes, in order), named `name@version`; with a feature
 * tensor of the committed width (64) when `features`, else none. `change` edits it further (no re-validation: the
 * registry validates what it is given).
 */
export function cardFor(
  members: { file: string; bytes: Uint8Array }[],
  opts: { name?: string; version?: string; features?: boolean; change?: (c: ModelCard) => void } = {},
): ModelCard {
  const c = structuredClone(parseModelCard(JSON.parse(readFileSync(path.join(PRODUCTION_MODEL, 'model-card.json'), 'utf8'))));
  c.name = opts.name ?? 'imported-seg';
  c.version = opts.version ?? '1.0.0';
  if (!opts.features) {
    c.output.featureDim = 0;
    c.output.featuresName = '';
    if (c.reference) c.reference.features = null;
  }
  c.onnx.files = members.map((m) => ({ file: m.file, sha256: sha256(m.bytes) }));
  c.onnx.file = c.onnx.files[0].file;
  c.onnx.sha256 = c.onnx.files[0].sha256;
  opts.change?.(c);
  return c;
}
