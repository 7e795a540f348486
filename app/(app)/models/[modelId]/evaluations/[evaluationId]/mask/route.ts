import { Readable } from 'node:stream';
import { z } from 'zod';
import { requireRouteActor } from '@/lib/server/auth/session';
import { evaluationMaskKey } from '@/lib/server/evaluation/compare';
import { blobs } from '@/lib/server/blobs';
import { AppError } from '@/lib/server/errors';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';

const query = z.object({ case: z.string().min(1).max(100), which: z.enum(['reference', 'baseline', 'candidate']) });

/**
 * One of a case's three masks in an evaluation (ground truth, production, candidate) for the comparison viewer.
 * Candidate masks computed by the evaluation are referenced only from its per-case JSON, so the general blob route
 * cannot authorise them; this route authorises through the evaluation (ML engineers only).
 */
export const GET = handleRoute(async (req: Request, ctx: { params: Promise<{ modelId: string; evaluationId: string }> }) => {
  await requireRouteActor('model:view');
  const { modelId, evaluationId } = await ctx.params;
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'Give case=<caseId> and which=reference|baseline|candidate.');
  const key = await evaluationMaskKey(modelId, evaluationId, parsed.data.case, parsed.data.which);
  const stat = await blobs().stat(key);
  if (!stat) throw new AppError('NOT_FOUND', 'The mask file is missing.');
  const body = Readable.toWeb(await blobs().createReadStream(key)) as ReadableStream;
  return new Response(body, {
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(stat.size), 'Cache-Control': 'private, no-store' },
  });
});
