import { requireRouteActor } from '@/lib/server/auth/session';
import { readSegExport } from '@/lib/server/dicom/seg/queries';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';

/** Downloads one DICOM SEG export (opened from its sealed blob); never cached: it carries the patient module. */
export const GET = handleRoute(async (_req: Request, ctx: { params: Promise<{ caseId: string; exportId: string }> }) => {
  const actor = await requireRouteActor('seg:export');
  const { caseId, exportId } = await ctx.params;
  const { bytes, filename } = await readSegExport(actor, caseId, exportId);
  return new Response(Buffer.from(bytes), {
    headers: {
      'Content-Type': 'application/dicom',
      'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
      'Cache-Control': 'no-store',
    },
  });
});
