/**
 * POST /api/models/import, the upload page's endpoint, through the real route handler and multipart parser: ONNX
 * files + card register a candidate (an ensemble's members matched by file name), a zipped model folder too; a card
 * that contradicts the graph answers 400 naming the field; a zip entry escaping the archive and a role without
 * model:register are refused; nothing is stored by any refusal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { cardFor, weights, writeGraphs } from './import-fixture';
import { db } from '@/lib/server/db';
import { createApiToken } from '@/lib/server/auth/tokens';

const request = { authorization: '' };
vi.mock('next/headers', () => ({
  headers: async () => new Headers(request.authorization ? { authorization: request.authorization } : {}),
}));
const { POST } = await import('@/app/api/models/import/route');

useTestDb();
useTestBlobs();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-import-route-'));
let bytes: Record<string, Uint8Array> = {};
const tokens = { ml: '', physician: '' };

beforeAll(async () => {
  bytes = await writeGraphs(dir, [
    { name: 'fold-0', weights: weights(4, 4), bias: [0, 0, 0, 0] },
    { name: 'fold-1', weights: weights(4, 4, -1), bias: [0, 0, 0, 0] },
  ]);
  const user = async (email: string, role: 'ML_ENGINEER' | 'PHYSICIAN') =>
    (await db().user.create({ data: { email, name: email, role, passwordHash: 'x' } })).id;
  tokens.ml = await createApiToken(await user('ml@test', 'ML_ENGINEER'), 'import test', { scope: 'ROLE' });
  tokens.physician = await createApiToken(await user('p@test', 'PHYSICIAN'), 'import test', { scope: 'ROLE' });
}, 120_000);

const file = (name: string) => ({ file: `${name}.onnx`, bytes: bytes[name] });
const blob = (b: Uint8Array | string) => new Blob([typeof b === 'string' ? b : Buffer.from(b)]);

async function post(fields: [string, string | [Uint8Array | string, string]][], token = tokens.ml) {
  request.authorization = `Bearer ${token}`;
  const form = new FormData();
  for (const [k, v] of fields) {
    if (typeof v === 'string') form.append(k, v);
    else form.append(k, blob(v[0]), v[1]);
  }
  const res = await POST(new Request('http://app/api/models/import', { method: 'POST', body: form }));
  return { status: res.status, body: await res.json() };
}

describe('POST /api/models/import', () => {
  it('refuses a role without model:register before reading the upload', async () => {
    const r = await post([['format', 'onnx']], tokens.physician);
    expect(r.status).toBe(403);
  });

  it('answers 400 naming the card field when the card contradicts the graph, and stores nothing', async () => {
    const card = cardFor([file('fold-0')], { change: (c) => (c.output.inputName = 'scan') });
    const r = await post([
      ['format', 'onnx'],
      ['onnx', [bytes['fold-0'], 'fold-0.onnx']],
      ['card', [JSON.stringify(card), 'card.json']],
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error.fieldErrors).toHaveProperty(['output.inputName']);
    expect(r.body.error.message).toMatch(/model card field output\.inputName: fold-0\.onnx has no input "scan"/);
    expect(await db().modelVersion.count()).toBe(0);
  });

  it('registers ONNX files (an ensemble) + card as a candidate, 201; the same upload again answers 200 with it', async () => {
    const card = cardFor([file('fold-0'), file('fold-1')], { name: 'uploaded', version: '2.0.0' });
    const fields: [string, [Uint8Array | string, string]][] = [
      ['onnx', [bytes['fold-1'], 'fold-1.onnx']],
      ['onnx', [bytes['fold-0'], 'fold-0.onnx']],
      ['card', [JSON.stringify(card), 'card.json']],
    ];
    const r = await post([['format', 'onnx'], ...fields]);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'uploaded', version: '2.0.0', stage: 'CANDIDATE', created: true });
    const files = await db().modelFile.findMany({ where: { modelVersionId: r.body.id }, orderBy: { ordinal: 'asc' } });
    expect(files.map((f) => f.file)).toEqual(['fold-0.onnx', 'fold-1.onnx']);
    const again = await post([['format', 'onnx'], ...fields]);
    expect(again).toMatchObject({ status: 200, body: { id: r.body.id, created: false } });
  });

  it('registers a zipped model folder under the name and version given in the form', async () => {
    const card = cardFor([file('fold-0')]);
    const zip = zipSync({ 'my-model/card.json': new TextEncoder().encode(JSON.stringify(card)), 'my-model/fold-0.onnx': bytes['fold-0'] });
    const r = await post([
      ['format', 'onnx'],
      ['name', 'zipped'],
      ['version', '0.1.0'],
      ['archive', [zip, 'my-model.zip']],
    ]);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'zipped', version: '0.1.0', created: true });
  });

  it('refuses an archive entry that would land outside the archive', async () => {
    const before = await db().modelVersion.count();
    const zip = zipSync({ '../escape.onnx': bytes['fold-0'] });
    const r = await post([
      ['format', 'onnx'],
      ['archive', [zip, 'evil.zip']],
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/points outside the archive/);
    expect(fs.existsSync(path.join(os.tmpdir(), 'escape.onnx'))).toBe(false);
    expect(await db().modelVersion.count()).toBe(before);
  });

  it('asks for an archive for a MONAI bundle or an nnU-Net model', async () => {
    const r = await post([
      ['format', 'nnunet'],
      ['onnx', [bytes['fold-0'], 'fold-0.onnx']],
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/nnunet model is uploaded as a zip archive/);
  });
});
