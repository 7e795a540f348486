import { requireRouteActor } from '@/lib/server/auth/session';
import { storeInstances } from '@/lib/server/dicom/stow';
import { handleRoute } from '@/lib/server/http';

export const runtime = 'nodejs';

/**
 * DICOMweb STOW-RS: a PACS (Orthanc, a modality, a router) pushes a study here with an API token (INGEST scope).
 * The token is checked before the body is read, so an unauthenticated push is answered 401 at once.
 */
export const POST = handleRoute(async (req: Request) => {
  const actor = await requireRouteActor('case:ingest');
  const r = await storeInstances(actor, req);
  const headers = new Headers({ 'Content-Type': r.contentType });
  // Warning: 299 <agent> "<text>" (RFC 7234 5.5), ASCII only, one per study
  for (const w of r.warnings)
    headers.append(
      'Warning',
      `299 tumorwatch "${w
        .replace(/[^\x20-\x7e]/g, '?')
        .replace(/["\\]/g, "'")
        .slice(0, 500)}"`,
    );
  return new Response(JSON.stringify(r.body), { status: r.status, headers });
});
