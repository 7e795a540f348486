/**
 * `npm run model:import` as an operator runs it (the script, spawned, against this file's database): an ONNX file
 * with a hand-written card registers and prints name@version and id; a contradicting card exits 1 naming the field;
 * a missing option prints the usage.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { cardFor, weights, writeGraphs } from './import-fixture';
import { REPO_ROOT } from '../inference/model-fixture';
import { db } from '@/lib/server/db';
import type { ModelCard } from '@/lib/schemas/model-card';

useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-import-cli-'));
let onnx = '';

beforeAll(async () => {
  const bytes = (await writeGraphs(dir, [{ name: 'model', weights: weights(4, 4), bias: [0, 0, 0, 0] }])).model;
  onnx = path.join(dir, 'model.onnx');
  const write = (name: string, card: object) => fs.writeFileSync(path.join(dir, name), JSON.stringify(card));
  write('card.json', cardFor([{ file: 'model.onnx', bytes }], { name: 'cli-model', version: '3.0.0' }));
  // three sequences for a graph that takes four (the card itself is consistent)
  const three = (c: ModelCard) => {
    c.preprocessing.channels.pop();
    c.preprocessing.normalization.pop();
  };
  write('bad-card.json', cardFor([{ file: 'model.onnx', bytes }], { change: three }));
}, 120_000);

async function modelImport(...args: string[]) {
  const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
  return promisify(execFile)(tsx, ['--conditions=react-server', 'scripts/model-import.ts', ...args], {
    cwd: REPO_ROOT,
    env: process.env,
    timeout: 120_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('npm run model:import', () => {
  it('registers an ONNX file with its card and prints name@version and id', async () => {
    const r = await modelImport('--format', 'onnx', '--source', onnx, '--card', path.join(dir, 'card.json'));
    expect(r.code).toBe(0);
    const mv = await db().modelVersion.findFirstOrThrow();
    expect(r.stdout.trim()).toBe(`registered cli-model@3.0.0 as CANDIDATE (id ${mv.id})`);
  }, 120_000);

  it('exits 1 naming the card field when the card contradicts the graph, registering nothing', async () => {
    const r = await modelImport('--format', 'onnx', '--source', onnx, '--card', path.join(dir, 'bad-card.json'), '--version', '3.0.1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /model:import refused: model card field preprocessing\.channels: 3 channel\(s\) \(T1N, T1C, T2W\), but input "image" takes 4/,
    );
    expect(await db().modelVersion.count()).toBe(1);
  }, 120_000);

  it('passes options after a second -- to the Python importer only (an ONNX import has none)', async () => {
    const r = await modelImport('--format', 'onnx', '--source', onnx, '--card', path.join(dir, 'card.json'), '--', '--folds', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Importer options are for monai-bundle and nnunet/);
  }, 120_000);

  it('prints the usage without a source', async () => {
    const r = await modelImport('--format', 'onnx');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/usage: npm run model:import -- --format monai-bundle\|nnunet\|onnx --source/);
  }, 120_000);
});
