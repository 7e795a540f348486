import { Readable } from 'node:stream';
import { requireRouteActor } from '@/lib/server/auth/session';
import { authorizeBlobRead } from '@/lib/server/cases/blob-access';
import { recordLockedBlobRead } from '@/lib/server/datasets/locked-members';
import { blobs } from '@/lib/server/blobs';
import { blobKeyForSha256 } from '@/lib/server/storage';
import { AppError } from '@/lib/server/errors';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';

/**
 * One byte range (RFC 9110 14.1.2): `a-b`, `a-` or the suffix `-n`; null to send the whole file (no header, or a
 * form this route does not serve, such as several ranges); 'unsatisfiable' when the range lies outside the file.
 */
function parseRange(header: string | null, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}

/**
 * Streams a stored file (NIfTI volumes and masks for the viewer). Content-addressed, so its ETag never changes: the
 * browser keeps a copy but asks before each use (a 304 costs one round trip, no bytes), and sign-out clears the cache
 * (Clear-Site-Data), so a scan does not outlive the session on a shared workstation.
 */
export const GET = handleRoute(async (req: Request, ctx: { params: Promise<{ sha256: string }> }) => {
  const actor = await requireRouteActor('case:view');
  const { sha256 } = await ctx.params;
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('NOT_FOUND', 'No such file.');
  await recordLockedBlobRead(actor, await authorizeBlobRead(actor.role, sha256));
  const etag = `"${sha256}"`;
  const headers: Record<string, string> = {
    ETag: etag,
    'Cache-Control': 'private, no-cache',
    'Accept-Ranges': 'bytes',
    'Content-Type': 'application/octet-stream',
  };
  if (req.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  const key = blobKeyForSha256(sha256);
  const stat = await blobs().stat(key);
  if (!stat) throw new AppError('NOT_FOUND', 'No such file.');
  const range = parseRange(req.headers.get('range'), stat.size);
  // the client learns the file's real length from the 416 and can ask again
  if (range === 'unsatisfiable')
    return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${stat.size}` } });
  const stream = await blobs().createReadStream(key, range ?? undefined);
  const body = Readable.toWeb(stream) as ReadableStream;
  if (!range) return new Response(body, { status: 200, headers: { ...headers, 'Content-Length': String(stat.size) } });
  return new Response(body, {
    status: 206,
    headers: {
      ...headers,
      'Content-Length': String(range.end - range.start + 1),
      'Content-Range': `bytes ${range.start}-${range.end}/${stat.size}`,
    },
  });
});
