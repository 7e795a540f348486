/**
 * An imported ensemble registers and serves end to end: two ONNX members with a hand-written card 2 (logits
 * averaged, as nnU-Net's folds) are imported as production, a real case is ingested and served, and the shown mask is
 * exactly the mask of one model whose logits are the members' mean (their 1x1x1 convolutions averaged), which neither
 * member alone gives. Re-importing the same files returns the version; other files under the same name@version are a
 * conflict that stores nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { realCaseFiles } from '../support/real-data';
import { cardFor, weights, writeGraphs } from './import-fixture';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM } from '@/lib/server/auth/actor';
import { importModel } from '@/lib/server/registry/import';
import { getModelDetail } from '@/lib/server/registry/queries';
import { ingestCase } from '@/lib/server/cases/ingest';
import { serveCase } from '@/lib/server/serving/serve-case';
import { loadCaseVolumes } from '@/lib/server/serving/case-volumes';
import { loadCaseGrid } from '@/lib/server/labels/grid';
import { readPredictionMask } from '@/lib/server/labels/store';
import { loadModel, segment } from '@/lib/server/inference';
import type { ModelCard } from '@/lib/schemas/model-card';

useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-import-ensemble-'));
const members = path.join(dir, 'members');
const alone = path.join(dir, 'alone');
let bytes: Record<string, Uint8Array> = {};

const wA = weights(4, 4, 1);
const wB = weights(4, 4, -0.6).map((row, i) => row.map((v, j) => v + (i === j ? 0.8 : 0)));
const bA = [1, 0, -0.2, -0.8];
const bB = [-0.6, 0.4, 0.3, 0.2];
const mean = (a: number[], b: number[]) => a.map((v, i) => (v + b[i]) / 2);

const logitsAveraged = (c: ModelCard) => {
  c.inference.average = 'logits';
};

beforeAll(async () => {
  fs.mkdirSync(members);
  fs.mkdirSync(alone);
  bytes = await writeGraphs(members, [
    { name: 'fold-0', weights: wA, bias: bA },
    { name: 'fold-1', weights: wB, bias: bB },
  ]);
  // the reference: one model whose logits are the members' mean
  Object.assign(bytes, await writeGraphs(alone, [{ name: 'mean', weights: wA.map((row, i) => mean(row, wB[i])), bias: mean(bA, bB) }]));
}, 120_000);

const file = (name: string) => ({ file: `${name}.onnx`, bytes: bytes[name] });
const ensembleCard = () => cardFor([file('fold-0'), file('fold-1')], { name: 'nnunet-folds', change: logitsAveraged });

describe('an imported two-member ensemble', () => {
  let modelId = '';

  it('registers as production with both members stored, in the card order', async () => {
    const m = await importModel(SYSTEM, { format: 'onnx', source: members, card: ensembleCard(), stage: 'PRODUCTION', via: 'cli' });
    expect(m).toMatchObject({ name: 'nnunet-folds', version: '1.0.0', stage: 'PRODUCTION', created: true });
    modelId = m.id;
    const files = await db().modelFile.findMany({ where: { modelVersionId: m.id }, orderBy: { ordinal: 'asc' } });
    expect(files.map((f) => f.file)).toEqual(['fold-0.onnx', 'fold-1.onnx']);
    // the model page lists both
    expect((await getModelDetail(m.id)).files).toEqual(files.map((f) => ({ file: f.file, sha256: f.sha256 })));
    const event = await db().auditEvent.findFirstOrThrow({ where: { entityId: m.id, action: AUDIT.modelRegister } });
    expect(event.data).toMatchObject({
      members: [{ file: 'fold-0.onnx' }, { file: 'fold-1.onnx' }],
      origin: { format: 'onnx', via: 'cli' },
    });
  });

  it('returns the existing version when the same files are imported again', async () => {
    const again = await importModel(SYSTEM, { format: 'onnx', source: members, card: ensembleCard(), stage: 'PRODUCTION', via: 'cli' });
    expect(again).toMatchObject({ id: modelId, created: false });
    expect(await db().modelVersion.count()).toBe(1);
  });

  it('refuses other files under the same name@version and stores nothing', async () => {
    const swapped = cardFor([file('fold-1'), file('fold-0')], { name: 'nnunet-folds', change: logitsAveraged });
    const e = await importModel(SYSTEM, { format: 'onnx', source: members, card: swapped, via: 'cli' }).catch((x) => x);
    expect(e.code).toBe('CONFLICT');
    expect(e.userMessage).toMatch(/nnunet-folds@1\.0\.0 is already registered with different ONNX files/);
    expect(await db().modelFile.count()).toBe(2);
  });

  it("serves a case with the mean of its members: the shown mask is the averaged model's, and neither member's", async () => {
    const caseId = (await ingestCase(SYSTEM, { caseId: 'TCGA-DU-7294' }, realCaseFiles('TCGA-DU-7294'))).caseId;
    await serveCase(caseId);
    const shown = await db().prediction.findFirstOrThrow({ where: { caseId, returned: true } });
    expect(shown).toMatchObject({ modelVersionId: modelId, role: 'PRODUCTION' });
    const grid = await loadCaseGrid(db(), caseId);
    const served = await readPredictionMask(shown, grid);

    const volumes = await loadCaseVolumes(caseId);
    const maskOf = async (name: string) =>
      (await segment({ model: await loadModel({ onnxBytes: bytes[name], card: cardFor([file(name)]) }), volumes })).mask;
    const differing = (m: Uint8Array) => m.reduce((n, v, i) => n + (v !== served[i] ? 1 : 0), 0);
    expect(new Set(served).size).toBeGreaterThan(1); // tumour labels, not all background
    const counts = {
      mean: differing(await maskOf('mean')),
      'fold-0': differing(await maskOf('fold-0')),
      'fold-1': differing(await maskOf('fold-1')),
    };
    console.log(`[import-ensemble] voxels differing from the served mask: ${JSON.stringify(counts)} of ${served.length}`);
    // summing two convolutions and one averaged convolution may round differently at an exact tie, nowhere else
    expect(counts.mean).toBeLessThanOrEqual(10);
    expect(counts['fold-0']).toBeGreaterThan(1000);
    expect(counts['fold-1']).toBeGreaterThan(1000);
  }, 300_000);
});
