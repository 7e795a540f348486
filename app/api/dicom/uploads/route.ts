import { NextResponse } from 'next/server';
import { requireRouteActor } from '@/lib/server/auth/session';
import { uploadSummary } from '@/lib/server/dicom/summary';
import { ingestDicomUpload } from '@/lib/server/dicom/upload';
import { env } from '@/lib/server/env';
import { handleRoute } from '@/lib/server/http';
import { withMultipart } from '@/lib/server/http/multipart';

export const runtime = 'nodejs';

/**
 * DICOM from the browser (session) or a script (API token): multipart/form-data whose `dicom` parts are zips or the
 * files of a folder. Answers what happened to each study, without its DICOM identifiers; 422 when nothing was stored.
 */
export const POST = handleRoute(async (req: Request) => {
  const actor = await requireRouteActor('case:ingest');
  const e = env();
  const limits = {
    maxFileBytes: e.INGEST_MAX_FILE_BYTES,
    maxRequestBytes: e.DICOM_MAX_REQUEST_BYTES ?? 5 * e.INGEST_MAX_FILE_BYTES + 1024 * 1024,
    maxFiles: e.DICOM_MAX_INSTANCES,
    maxFields: 4,
    maxFieldBytes: 4096,
  };
  const invalidMessage = 'Expected a multipart/form-data body with one or more "dicom" files (a zip, or the files of a folder).';
  const result = await withMultipart(req, { limits, invalidMessage }, (form) =>
    ingestDicomUpload(
      actor,
      form.files.map((f) => ({ path: f.path, name: f.filename || f.field })),
    ),
  );
  const summary = uploadSummary(result);
  return NextResponse.json(summary, { status: summary.stored ? 200 : 422 });
});
