import { NextResponse } from 'next/server';
import { z } from 'zod';
import { requireRouteActor } from '@/lib/server/auth/session';
import { AppError } from '@/lib/server/errors';
import { handleRoute } from '@/lib/server/http';
import { uploadLimits } from '@/lib/server/http/limits';
import { readFileBytes, withMultipart } from '@/lib/server/http/multipart';
import { saveLabelVersion } from '@/lib/server/labels';

export const runtime = 'nodejs';

const fields = z.object({
  parentVersionId: z
    .string()
    .max(100)
    .transform((v) => v || null),
  message: z.string().max(2000).default(''),
  source: z.enum(['EDIT', 'IMPORT']).default('EDIT'),
  labelMap: z.string().max(50).optional(),
  asBranch: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  takeOver: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/**
 * Saves a label version from a NIfTI mask (multipart: `mask` file + fields above). 409 CONFLICT when the parent is no
 * longer the head: the client keeps its mask and may resend it with asBranch=true. The mask is streamed to a temporary
 * file under LABEL_MAX_FILE_BYTES (413 past it; a uint8 512^3 grid is 128 MiB raw, browsers send it gzipped).
 */
export const POST = handleRoute(async (req: Request, ctx: { params: Promise<{ caseId: string }> }) => {
  const actor = await requireRouteActor('label:edit');
  const { caseId } = await ctx.params;
  const version = await withMultipart(
    req,
    { limits: uploadLimits('label'), invalidMessage: 'Send the mask as multipart/form-data.' },
    async (form) => {
      const file = form.file('mask');
      if (!file) throw new AppError('INVALID_INPUT', 'No mask file was sent.', { fieldErrors: { mask: ['Required'] } });
      const parsed = fields.safeParse(Object.fromEntries(form.fields));
      if (!parsed.success)
        throw new AppError('INVALID_INPUT', 'Invalid save request.', {
          fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
        });
      return saveLabelVersion({ actor, caseId, ...parsed.data, maskBytes: await readFileBytes(file) });
    },
  );
  return NextResponse.json({ version }, { status: 201 });
});
