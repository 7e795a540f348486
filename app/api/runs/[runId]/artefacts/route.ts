import { NextResponse } from 'next/server';
import { bearerToken, verifyRunToken } from '@/lib/server/workflows/run-token';
import { acceptUpload } from '@/lib/server/workflows/remote';
import { handleRoute } from '@/lib/server/http';
import { uploadLimits } from '@/lib/server/http/limits';
import { withMultipart } from '@/lib/server/http/multipart';

export const runtime = 'nodejs';

/**
 * Artefact upload from a remote runner: multipart fields model.onnx, model-card.json (required), metrics.json,
 * checkpoint.pt, train.log. Authenticated by the run's one-time token; answers 201 with the registered model. The
 * body is streamed to temporary files under RUN_ARTEFACT_MAX_FILE_BYTES / RUN_ARTEFACT_MAX_REQUEST_BYTES (413 past them).
 */
export const POST = handleRoute(async (req: Request, ctx: { params: Promise<{ runId: string }> }) => {
  const { runId } = await ctx.params;
  const token = bearerToken(req);
  await verifyRunToken(runId, token); // before reading a large body for nothing
  const model = await withMultipart(
    req,
    { limits: uploadLimits('artefacts'), invalidMessage: 'Send the artefacts as multipart/form-data.' },
    async (form) =>
      acceptUpload(runId, token, {
        onnx: await form.bytes('model.onnx'),
        card: await form.text('model-card.json'),
        metrics: await form.text('metrics.json'),
        checkpoint: await form.bytes('checkpoint.pt'),
        log: await form.bytes('train.log'),
      }),
  );
  return NextResponse.json(model, { status: 201 });
});
