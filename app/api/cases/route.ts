import { NextResponse } from 'next/server';
import { requireRouteActor } from '@/lib/server/auth/session';
import { ingestCase, type UploadedFile } from '@/lib/server/cases/ingest';
import { AppError } from '@/lib/server/errors';
import { handleRoute } from '@/lib/server/http';
import { env } from '@/lib/server/env';

export const runtime = 'nodejs';

/**
 * Case ingestion for machine clients (API token) and the upload form (session): multipart with files t1n, t1c, t2w,
 * t2f, optional mask, and a `metadata` JSON field ({ caseId, site, scannerManufacturer, ... }).
 */
export const POST = handleRoute(async (req: Request) => {
  const actor = await requireRouteActor('case:ingest');
  const limit = env().INGEST_MAX_FILE_BYTES * 6;
  if (Number(req.headers.get('content-length') ?? 0) > limit) throw new AppError('TOO_LARGE', `Upload larger than ${limit} bytes.`);
  const form = await req.formData().catch(() => {
    throw new AppError('INVALID_INPUT', 'Expected a multipart/form-data body with files t1n, t1c, t2w, t2f and a metadata field.');
  });
  const files: UploadedFile[] = [];
  let metadata: unknown = {};
  for (const [field, value] of form.entries()) {
    if (field === 'metadata') metadata = parseJson(String(value));
    else if (typeof value !== 'string') files.push({ field, filename: value.name || field, bytes: new Uint8Array(await value.arrayBuffer()) });
    else throw new AppError('INVALID_INPUT', `Field "${field}" must be a file.`);
  }
  const result = await ingestCase(actor, metadata, files);
  return NextResponse.json(result, { status: result.created ? 201 : 200 });
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('INVALID_INPUT', 'metadata: not valid JSON.');
  }
}
