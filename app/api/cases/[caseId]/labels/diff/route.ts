import { requireRouteActor } from '@/lib/server/auth/session';
import { AppError } from '@/lib/server/errors';
import { handleRoute } from '@/lib/server/http';
import { diffLabelVersions } from '@/lib/server/labels';

export const runtime = 'nodejs';

/**
 * The difference between two versions as a NIfTI overlay on the case grid (1 added, 2 removed, 3 relabelled) with the
 * per-label counts in the X-Label-Diff header, so the viewer gets both in one request.
 */
export const GET = handleRoute(async (req: Request, ctx: { params: Promise<{ caseId: string }> }) => {
  const actor = await requireRouteActor('label:edit');
  const { caseId } = await ctx.params;
  const url = new URL(req.url);
  const from = url.searchParams.get('from'),
    to = url.searchParams.get('to');
  if (!from || !to) throw new AppError('INVALID_INPUT', 'Say which two versions to compare (from, to).');
  const { diff, overlay } = await diffLabelVersions(actor, caseId, from, to);
  return new Response(overlay as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'application/octet-stream',
      'X-Label-Diff': JSON.stringify(diff),
      // patient imaging: not kept in the browser cache (see the blob route)
      'Cache-Control': 'private, no-store',
    },
  });
});
