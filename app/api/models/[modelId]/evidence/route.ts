import { z } from 'zod';
import { requireRouteActor } from '@/lib/server/auth/session';
import { evidenceFile } from '@/lib/server/registry/evidence/store';
import { AppError } from '@/lib/server/errors';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';

const query = z.object({
  step: z.enum(['shadow', 'canary', 'production', 'preview']).default('production'),
  format: z.enum(['html', 'pdf']).default('html'),
  download: z.enum(['0', '1']).default('0'),
});

/**
 * A promotion's evidence report (frozen at the promotion) or a live preview, as HTML (opens in the browser) or PDF.
 * ML engineers only, like the rest of the registry.
 */
export const GET = handleRoute(async (req: Request, ctx: { params: Promise<{ modelId: string }> }) => {
  await requireRouteActor('model:view');
  const { modelId } = await ctx.params;
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) throw new AppError('INVALID_INPUT', 'step must be shadow, canary, production or preview; format html or pdf.');
  const file = await evidenceFile(modelId, parsed.data.step, parsed.data.format);
  const disposition = parsed.data.download === '1' || parsed.data.format === 'pdf' ? 'attachment' : 'inline';
  return new Response(Buffer.from(file.body), {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `${disposition}; filename="${file.filename}"`,
      'Cache-Control': 'private, no-store',
      // the HTML is self-contained: forbid scripts and remote loads even if a field ever carried markup
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      'X-Content-Type-Options': 'nosniff',
    },
  });
});
