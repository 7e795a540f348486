import { NextResponse } from 'next/server';
import { requireRouteActor } from '@/lib/server/auth/session';
import { getRunStatus } from '@/lib/server/workflows/queries';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Live status of a run, polled by the run page while it is queued or running. */
export const GET = handleRoute(async (_req: Request, ctx: { params: Promise<{ runId: string }> }) => {
  await requireRouteActor('run:view');
  const status = await getRunStatus((await ctx.params).runId);
  return NextResponse.json(status, { headers: { 'Cache-Control': 'no-store' } });
});
