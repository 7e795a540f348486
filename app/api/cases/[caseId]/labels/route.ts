import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireRouteActor } from '@/lib/server/auth/session';
import { AppError } from '@/lib/server/errors';
import { handleRoute } from '@/lib/server/http';
import { saveLabelVersion } from '@/lib/server/labels';

export const runtime = 'nodejs';

/** A uint8 mask of a 512^3 grid is 128 MiB raw; browsers send it gzipped (tens of kB for a tumour). */
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

const fields = z.object({
  parentVersionId: z.string().max(100).transform((v) => v || null),
  message: z.string().max(2000).default(''),
  source: z.enum(['EDIT', 'IMPORT']).default('EDIT'),
  labelMap: z.string().max(50).optional(),
  asBranch: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

/**
 * Saves a label version from a NIfTI mask (multipart: `mask` file + fields above). 409 CONFLICT when the parent is no
 * longer the head: the client keeps its mask and may resend it with asBranch=true.
 */
export const POST = handleRoute(async (req: Request, ctx: { params: Promise<{ caseId: string }> }) => {
  const actor = await requireRouteActor('label:edit');
  const { caseId } = await ctx.params;
  if (Number(req.headers.get('content-length') ?? 0) > MAX_UPLOAD_BYTES) throw new AppError('TOO_LARGE', 'The mask upload is too large.');
  const form = await req.formData().catch(() => {
    throw new AppError('INVALID_INPUT', 'Send the mask as multipart/form-data.');
  });
  const file = form.get('mask');
  if (!(file instanceof Blob)) throw new AppError('INVALID_INPUT', 'No mask file was sent.', { fieldErrors: { mask: ['Required'] } });
  if (file.size > MAX_UPLOAD_BYTES) throw new AppError('TOO_LARGE', 'The mask upload is too large.');
  const parsed = fields.safeParse(Object.fromEntries([...form.entries()].filter(([k]) => k !== 'mask')));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'Invalid save request.', { fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]> });
  const version = await saveLabelVersion({ actor, caseId, ...parsed.data, maskBytes: new Uint8Array(await file.arrayBuffer()) });
  return NextResponse.json({ version }, { status: 201 });
});
