/**
 * The card against the graph: every mismatch the importer can meet is refused with the card field named, nothing is
 * stored (no row, no blob), and the refusal is audited. Real onnxruntime sessions read the graphs written by
 * import_graphs.py.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { listBlobFiles, useTestBlobs } from '../support/blobs';
import { cardFor, weights, writeGraphs, type Graph } from './import-fixture';
import { db } from '@/lib/server/db';
import { SYSTEM } from '@/lib/server/auth/actor';
import { AUDIT } from '@/lib/server/audit';
import { importModel } from '@/lib/server/registry/import';
import type { ModelCard } from '@/lib/schemas/model-card';

useTestDb();
const store = useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-import-graph-'));
let bytes: Record<string, Uint8Array> = {};

const g = (name: string, extra: Partial<Graph> = {}, k = 4, c = 4): Graph => ({
  name,
  weights: weights(k, c),
  bias: Array(k).fill(0),
  ...extra,
});

beforeAll(async () => {
  bytes = await writeGraphs(dir, [
    g('plain'),
    g('plain-b', { weights: weights(4, 4, -1) }),
    g('with-features', { features: 64 }),
    g('narrow-features', { features: 32 }),
    g('renamed-input', { input: 'x' }),
    g('renamed-logits', { logits: 'seg' }),
    g('three-channels', {}, 4, 3),
    g('three-classes', {}, 3, 4),
    g('fixed-48', { spatial: [48, 48, 48] }),
    g('fixed-32', { spatial: [32, 32, 32] }),
  ]);
}, 120_000);

const member = (name: string) => ({ file: `${name}.onnx`, bytes: bytes[name] });

/** Imports the named graphs (in order) with their card, changed by `change`; returns the refusal's field and message. */
async function refusal(names: string[], opts: Parameters<typeof cardFor>[1] = {}) {
  const card = cardFor(names.map(member), opts);
  const error = await importModel(SYSTEM, { format: 'onnx', source: dir, card, via: 'cli' }).then(
    () => null,
    (e) => e,
  );
  expect(error, 'the import should have been refused').not.toBeNull();
  return { field: Object.keys(error.details?.fieldErrors ?? {})[0], message: String(error.userMessage ?? error.message) };
}

const change = (f: (c: ModelCard) => void) => ({ change: f });

describe('a card that contradicts its graph is refused, naming the field', () => {
  it.each([
    ['the input name', ['renamed-input'], {}, 'output.inputName', /no input "image".*has x/],
    ['the input channel count', ['three-channels'], {}, 'preprocessing.channels', /4 channel\(s\).*takes 3/],
    ['the logits name', ['renamed-logits'], {}, 'output.logitsName', /no output "logits".*has seg/],
    ['the output channel count', ['three-classes'], {}, 'output.classes', /4 class\(es\).*has 3 channels/],
    ['a feature tensor the graph lacks', ['plain'], { features: true }, 'output.featuresName', /no output "features"/],
    ['the feature width', ['narrow-features'], { features: true }, 'output.featureDim', /64, but output "features" has 32/],
    ['a fixed spatial shape against the patch', ['fixed-32'], {}, 'inference.patchSize', /48x48x48.*\(32, 32, 32\)/],
    ['an ensemble member with another signature', ['plain', 'with-features'], {}, 'onnx.files.1', /with-features\.onnx differs/],
  ] as const)('%s', async (_what, names, opts, field, message) => {
    const r = await refusal([...names], opts);
    expect(r.field).toBe(field);
    expect(r.message).toMatch(message);
    expect(r.message).toContain(field);
  });

  it("a member's sha256 that is not the card's", async () => {
    const r = await refusal(
      ['plain', 'plain-b'],
      change((c) => (c.onnx.files[1].sha256 = 'c'.repeat(64))),
    );
    expect(r).toMatchObject({ field: 'onnx.files.1.sha256' });
    expect(r.message).toMatch(/plain-b\.onnx has sha256 .* the card says cccccccccccc/);
  });

  it('a card that fails its own schema (the field from zod)', async () => {
    const r = await refusal(
      ['plain'],
      change((c) => (c.preprocessing.normalization = [])),
    );
    expect(r.field).toBe('preprocessing.normalization');
  });

  it('an ONNX file the card does not name', async () => {
    const card = cardFor([member('plain')]);
    const e = await importModel(SYSTEM, { format: 'onnx', source: path.join(dir, 'plain-b.onnx'), card, via: 'cli' }).catch((x) => x);
    expect(e.userMessage).toMatch(/onnx\.file: names plain\.onnx, but the ONNX file given is plain-b\.onnx/);
  });

  it('stored nothing for any refusal, and audited each one with its field', async () => {
    expect(await db().modelVersion.count()).toBe(0);
    expect(await db().modelFile.count()).toBe(0);
    expect(listBlobFiles(store.root!)).toEqual([]);
    const refused = await db().auditEvent.findMany({ where: { action: AUDIT.modelImportRefused } });
    expect(refused).toHaveLength(11);
    expect(refused.map((e) => (e.data as { field: string }).field)).toContain('output.featureDim');
  });
});

describe('a card that agrees with its graph registers', () => {
  it('with fixed spatial dims equal to the patch and a feature tensor of the card width', async () => {
    for (const [name, version, features] of [
      ['fixed-48', '1.0.0', false],
      ['with-features', '1.1.0', true],
    ] as const) {
      const card = cardFor([member(name)], { version, features });
      const m = await importModel(SYSTEM, { format: 'onnx', source: path.join(dir, `${name}.onnx`), card, via: 'cli' });
      expect(m).toMatchObject({ name: 'imported-seg', version, stage: 'CANDIDATE', created: true });
    }
    expect(await db().modelFile.count()).toBe(2);
  });
});
