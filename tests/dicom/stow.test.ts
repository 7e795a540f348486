/**
 * STOW-RS at POST /dicomweb/studies, through the route handler: API-token auth before the body is read, the
 * multipart/related body split as it streams (parts cut across chunk boundaries), the DICOMweb response dataset and
 * status codes, and the size limit.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { useTestBlobs } from '../support/blobs';
import { db } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { resetEnvCache } from '@/lib/server/env';
import { SYSTEM } from '@/lib/server/auth/actor';
import { createApiToken } from '@/lib/server/auth/tokens';
import { createUser } from '@/lib/server/users';
import { FOUR_SEQUENCES, writeStudy } from './fixtures';

const auth = vi.hoisted(() => ({ authorization: '' }));
vi.mock('next-auth', () => ({ getServerSession: async () => null }));
vi.mock('next/headers', () => ({ headers: async () => new Headers(auth.authorization ? { authorization: auth.authorization } : {}) }));
const { POST } = await import('@/app/dicomweb/studies/route');

useTestDb();
useTestBlobs();
let dir: string;
let files: string[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-stow-test-'));
  files = writeStudy(dir, 7, FOUR_SEQUENCES, { slices: 12 });
  const u = await createUser(SYSTEM, { email: 'pacs@stow.test', name: 'PACS', role: 'RADIOLOGIST', password: 'pacs bridge passphrase' });
  auth.authorization = `Bearer ${await createApiToken(u.id, 'orthanc', { scope: 'INGEST' })}`;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const BOUNDARY = 'tw-stow-boundary-4f1c';

function related(parts: Buffer[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), p, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The body as a stream of uneven chunks, so delimiters and part headers fall across chunk boundaries. */
function stowRequest(body: Buffer, headers: Record<string, string> = {}): Request {
  let offset = 0;
  let n = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= body.length) return controller.close();
      const size = [7, 65_536, 1_013, 40_000, 3][n++ % 5];
      controller.enqueue(new Uint8Array(body.subarray(offset, offset + size)));
      offset += size;
    },
  });
  return new Request('http://localhost/dicomweb/studies', {
    method: 'POST',
    body: stream,
    headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`, ...headers },
    duplex: 'half',
  } as RequestInit);
}

describe('STOW-RS', () => {
  it('refuses a push without a token (401) before reading it', async () => {
    const saved = auth.authorization;
    auth.authorization = '';
    try {
      const res = await POST(stowRequest(related([Buffer.from('x')])));
      expect(res.status).toBe(401);
      expect((await res.json()).error.message).toMatch(/API token/);
    } finally {
      auth.authorization = saved;
    }
  });

  it('refuses what is not multipart/related application/dicom (415)', async () => {
    const res = await POST(stowRequest(related([Buffer.from('x')]), { 'content-type': 'multipart/form-data; boundary=x' }));
    expect(res.status).toBe(415);
    expect((await res.json()).error.message).toMatch(/multipart\/related; type="application\/dicom"/);
  });

  it('stores a pushed study, answers the DICOMweb response dataset, and 202 for a part that is not DICOM', async () => {
    const body = related([...files.map((f) => fs.readFileSync(f)), Buffer.from('not a DICOM instance')]);
    const res = await POST(stowRequest(body));
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('application/dicom+json');
    expect(res.headers.get('warning')).toMatch(/^299 tumorwatch "study [0-9.]+: case DICOM-[0-9a-f]{16} created"/);
    const dataset = await res.json();
    expect(dataset['00081199'].Value).toHaveLength(files.length);
    expect(dataset['00081199'].Value[0]['00081150']).toEqual({ vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.4'] });
    expect(dataset['00081198'].Value).toEqual([{ '00081197': { vr: 'US', Value: [0xc000] } }]);
    expect(await db().case.count()).toBe(1);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.dicomStudyReceive } });
    expect(event.actorKind).toBe('api-token:orthanc');
  });

  it('answers a retried push 200 with the study unchanged, and the full result to a client asking for JSON', async () => {
    const res = await POST(stowRequest(related(files.map((f) => fs.readFileSync(f))), { accept: 'application/json' }));
    expect(res.status).toBe(200);
    const result = await res.json();
    expect(result.studies[0]).toMatchObject({ status: 'unchanged' });
    expect(await db().case.count()).toBe(1);
  });

  it('refuses a body over the limit with 413 and stores nothing', async () => {
    process.env.DICOM_MAX_REQUEST_BYTES = String(1024 * 1024);
    resetEnvCache();
    try {
      const before = await db().dicomStudy.count();
      const res = await POST(stowRequest(related(files.map((f) => fs.readFileSync(f)))));
      expect(res.status).toBe(413);
      expect((await res.json()).error.message).toMatch(/larger than 1 MiB/);
      expect(await db().dicomStudy.count()).toBe(before);
    } finally {
      delete process.env.DICOM_MAX_REQUEST_BYTES;
      resetEnvCache();
    }
  });
});
