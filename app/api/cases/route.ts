import { NextResponse } from 'next/server';
import { requireRouteActor } from '@/lib/server/auth/session';
import { ingestCase, type UploadedFile } from '@/lib/server/cases/ingest';
import { AppError } from '@/lib/server/errors';
import { handleRoute } from '@/lib/server/http';
import { uploadLimits } from '@/lib/server/http/limits';
import { readFileBytes, withMultipart } from '@/lib/server/http/multipart';

export const runtime = 'nodejs';

/**
 * Case ingestion for machine clients (API token) and the upload form (session): multipart with files t1n, t1c, t2w,
 * t2f, optional mask, and a `metadata` JSON field ({ caseId, site, scannerManufacturer, ... }). The body is streamed
 * to temporary files under INGEST_MAX_FILE_BYTES / INGEST_MAX_REQUEST_BYTES (413 past them).
 */
export const POST = handleRoute(async (req: Request) => {
  const actor = await requireRouteActor('case:ingest');
  const invalidMessage = 'Expected a multipart/form-data body with files t1n, t1c, t2w, t2f and a metadata field.';
  const result = await withMultipart(req, { limits: uploadLimits('case'), invalidMessage }, async (form) => {
    const extra = form.fields.find(([field]) => field !== 'metadata');
    if (extra) throw new AppError('INVALID_INPUT', `Field "${extra[0]}" must be a file.`);
    const files: UploadedFile[] = [];
    for (const f of form.files) files.push({ field: f.field, filename: f.filename || f.field, bytes: await readFileBytes(f) });
    const metadata = form.field('metadata');
    return ingestCase(actor, metadata === null ? {} : parseJson(metadata), files);
  });
  return NextResponse.json(result, { status: result.created ? 201 : 200 });
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('INVALID_INPUT', 'metadata: not valid JSON.');
  }
}
