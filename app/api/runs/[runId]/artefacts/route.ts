import { NextResponse } from 'next/server';
import { AppError } from '@/lib/server/errors';
import { bearerToken, verifyRunToken } from '@/lib/server/workflows/run-token';
import { acceptUpload } from '@/lib/server/workflows/remote';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';

async function bytes(form: FormData, name: string): Promise<Uint8Array | null> {
  const v = form.get(name);
  if (v === null) return null;
  if (typeof v === 'string') return new TextEncoder().encode(v);
  return new Uint8Array(await v.arrayBuffer());
}

/**
 * Artefact upload from a remote runner: multipart fields model.onnx, model-card.json (required), metrics.json,
 * checkpoint.pt, train.log. Authenticated by the run's one-time token; answers 201 with the registered model.
 */
export const POST = handleRoute(async (req: Request, ctx: { params: Promise<{ runId: string }> }) => {
  const { runId } = await ctx.params;
  const token = bearerToken(req);
  await verifyRunToken(runId, token); // before reading a large body for nothing
  const form = await req.formData().catch(() => {
    throw new AppError('INVALID_INPUT', 'Send the artefacts as multipart/form-data.');
  });
  const text = async (name: string) => {
    const b = await bytes(form, name);
    return b ? new TextDecoder().decode(b) : null;
  };
  const model = await acceptUpload(runId, token, {
    onnx: await bytes(form, 'model.onnx'),
    card: await text('model-card.json'),
    metrics: await text('metrics.json'),
    checkpoint: await bytes(form, 'checkpoint.pt'),
    log: await bytes(form, 'train.log'),
  });
  return NextResponse.json(model, { status: 201 });
});
