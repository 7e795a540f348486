import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelCard, type ModelCard } from '@/lib/schemas/model-card';
import { AppError } from '@/lib/server/errors';
import { loadModel, releaseModels } from '@/lib/server/inference';
import { pythonAvailable, resolveModel } from './model-fixture';

describe.skipIf(!pythonAvailable())('loadModel', () => {
  let dir: string;
  let card: ModelCard;
  let onnxBytes: Uint8Array;

  beforeAll(async () => {
    dir = (await resolveModel()).dir;
    card = parseModelCard(JSON.parse(readFileSync(path.join(dir, 'model-card.json'), 'utf8')));
    onnxBytes = new Uint8Array(readFileSync(path.join(dir, card.onnx.file)));
  }, 300_000);

  afterAll(() => releaseModels());

  it('returns one cached entry per model version, from a directory or from bytes, and creates the session lazily', async () => {
    const a = await loadModel(dir, { intraOpThreads: 1 });
    const b = await loadModel({ onnxBytes, card }, { intraOpThreads: 1 });
    expect(b).toBe(a);
    expect(a.sha256).toBe(card.onnx.sha256);
    const [s1, s2] = await Promise.all([a.session(), b.session()]);
    expect(s1).toBe(s2);
    expect(s1.inputNames).toContain(card.output.inputName);
    await releaseModels();
    const c = await loadModel(dir, { intraOpThreads: 1 });
    expect(c).not.toBe(a);
  });

  it('runs a batch of windows and returns logits and features of the card shapes', async () => {
    const m = await loadModel(dir, { intraOpThreads: 1 });
    const predict = await m.predictor();
    const [p0, p1, p2] = m.card.inference.patchSize;
    const res = await predict(new Float32Array(2 * 4 * p0 * p1 * p2), 2);
    expect(res.logits.length).toBe(2 * m.card.output.classes.length * p0 * p1 * p2);
    expect(res.features.length).toBe(2 * m.card.output.featureDim);
  });

  it('refuses an ONNX file whose sha256 differs from the card, and an invalid card', async () => {
    const tampered = onnxBytes.slice();
    tampered[tampered.length - 1] ^= 1;
    await expect(loadModel({ onnxBytes: tampered, card })).rejects.toBeInstanceOf(AppError);
    await expect(loadModel({ onnxBytes, card: { ...card, inference: { ...card.inference, overlap: 1.5 } } })).rejects.toThrow(
      /model card is invalid/,
    );
  });
});
