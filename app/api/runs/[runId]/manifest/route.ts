import { NextResponse } from 'next/server';
import { env } from '@/lib/server/env';
import { bearerToken } from '@/lib/server/workflows/run-token';
import { remoteManifest } from '@/lib/server/workflows/remote';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** For a remote runner holding the run's token: the trainer manifest, the files to download, the trainer arguments. */
export const GET = handleRoute(async (req: Request, ctx: { params: Promise<{ runId: string }> }) => {
  const { runId } = await ctx.params;
  const body = await remoteManifest(runId, bearerToken(req), env().NEXTAUTH_URL);
  return NextResponse.json(body, { headers: { 'Cache-Control': 'no-store' } });
});
