import { beforeAll, describe, expect, it, vi } from 'vitest';
import { useTestDb } from '../support/use-db';
import { createCase, createUsers, useTempBlobRoot } from '../labels/fixtures';
import { db } from '@/lib/server/db';
import { blobs } from '@/lib/server/blobs';
import { blobKeyForSha256 } from '@/lib/server/storage';
import { createApiToken } from '@/lib/server/auth/tokens';

/** The viewer's volume route: caching headers, byte ranges, and who may read what (through an API token). */
const request = { authorization: '' };
vi.mock('next/headers', () => ({
  headers: async () => new Headers(request.authorization ? { authorization: request.authorization } : {}),
}));
const { GET } = await import('@/app/api/blobs/[sha256]/route');

useTestDb({ BLOB_ROOT: useTempBlobRoot() });

let sha256 = '';
let bytes: Buffer;
beforeAll(async () => {
  const users = await createUsers();
  request.authorization = `Bearer ${await createApiToken(users.physician.id, 'viewer test')}`;
  const caseId = await createCase('BLOB-ROUTE', { prediction: false });
  sha256 = (await db().volume.findFirstOrThrow({ where: { caseId } })).sha256;
  bytes = Buffer.from(await blobs().get(blobKeyForSha256(sha256)));
});

const get = (headers: Record<string, string> = {}, hash = sha256) =>
  GET(new Request(`http://app/api/blobs/${hash}`, { headers }), { params: Promise.resolve({ sha256: hash }) });
const body = async (r: Response) => Buffer.from(await r.arrayBuffer());

describe('GET /api/blobs/[sha256]', () => {
  it('sends the whole file with an ETag, revalidated caching (no-cache, never immutable) and Accept-Ranges; 304 for a matching If-None-Match', async () => {
    const r = await get();
    expect(r.status).toBe(200);
    expect(r.headers.get('ETag')).toBe(`"${sha256}"`);
    expect(r.headers.get('Cache-Control')).toBe('private, no-cache');
    expect(r.headers.get('Accept-Ranges')).toBe('bytes');
    expect(r.headers.get('Content-Length')).toBe(String(bytes.length));
    expect((await body(r)).equals(bytes)).toBe(true);
    expect((await get({ 'if-none-match': `"${sha256}"` })).status).toBe(304);
  });

  it('serves byte ranges: a-b inclusive, a- to the end, the suffix -n, clamped to the file', async () => {
    const n = bytes.length;
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=100-', 100, n - 1],
      ['bytes=-10', n - 10, n - 1],
      [`bytes=${n - 5}-${n + 100}`, n - 5, n - 1],
    ] as const) {
      const r = await get({ range });
      expect(r.status, range).toBe(206);
      expect(r.headers.get('Content-Range'), range).toBe(`bytes ${start}-${end}/${n}`);
      expect(r.headers.get('Content-Length'), range).toBe(String(end - start + 1));
      expect((await body(r)).equals(bytes.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers an unsatisfiable range with 416 and the real length; sends the whole file for a form it does not serve', async () => {
    for (const range of [`bytes=${bytes.length}-`, 'bytes=-0', 'bytes=50-10']) {
      const r = await get({ range });
      expect(r.status, range).toBe(416);
      expect(r.headers.get('Content-Range'), range).toBe(`bytes */${bytes.length}`);
    }
    const multi = await get({ range: 'bytes=0-1,5-6' });
    expect(multi.status).toBe(200);
    expect((await body(multi)).length).toBe(bytes.length);
  });

  it('answers 404 for a hash nothing references, and 403 to a physician for a mask clinicians are not shown', async () => {
    expect((await get({}, 'a'.repeat(64))).status).toBe(404);
    const caseId = (await db().volume.findFirstOrThrow({ where: { sha256 } })).caseId;
    const model = await db().modelVersion.create({
      data: { name: 'm', version: 'shadow', blobKey: 'none', sha256: 'none', card: {}, stage: 'SHADOW' },
    });
    const hidden = await blobs().put(new Uint8Array([1, 2, 3, 4]));
    await db().prediction.create({
      data: {
        caseId,
        modelVersionId: model.id,
        role: 'SHADOW',
        returned: false,
        maskBlobKey: hidden.key,
        maskSha256: hidden.sha256,
        volumesMl: {},
        latencyMs: 1,
      },
    });
    expect((await get({}, hidden.sha256)).status).toBe(403);
  });
});
