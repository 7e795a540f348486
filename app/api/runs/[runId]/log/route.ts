import { Readable } from 'node:stream';
import { requireRouteActor } from '@/lib/server/auth/session';
import { getRunLogKey } from '@/lib/server/workflows/queries';
import { blobs } from '@/lib/server/blobs';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';

/** The full trainer log of a finished run (the run page shows only its tail). */
export const GET = handleRoute(async (_req: Request, ctx: { params: Promise<{ runId: string }> }) => {
  await requireRouteActor('run:view');
  const { runId } = await ctx.params;
  const key = await getRunLogKey(runId);
  const stream = await blobs().createReadStream(key);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': `inline; filename="run-${runId}.log"` },
  });
});
