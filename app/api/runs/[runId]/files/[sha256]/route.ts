import { Readable } from 'node:stream';
import { blobs } from '@/lib/server/blobs';
import { AppError } from '@/lib/server/errors';
import { bearerToken } from '@/lib/server/workflows/run-token';
import { remoteFileKey } from '@/lib/server/workflows/remote';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';

/** One file named by a run's manifest (a volume, a label, the parent checkpoint), for the holder of its token. */
export const GET = handleRoute(async (req: Request, ctx: { params: Promise<{ runId: string; sha256: string }> }) => {
  const { runId, sha256 } = await ctx.params;
  // Authenticate before looking at the path: an anonymous caller learns nothing, not even which names are valid.
  const token = bearerToken(req);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new AppError('NOT_FOUND', 'No such file.');
  const key = await remoteFileKey(runId, token, sha256);
  const stat = await blobs().stat(key);
  if (!stat) throw new AppError('NOT_FOUND', 'No such file.');
  const stream = await blobs().createReadStream(key);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(stat.size), ETag: `"${sha256}"` },
  });
});
