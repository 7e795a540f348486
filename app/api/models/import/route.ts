import { NextResponse } from 'next/server';
import { requireRouteActor } from '@/lib/server/auth/session';
import { isAppError } from '@/lib/server/errors';
import { handleRoute } from '@/lib/server/http';
import { uploadLimits } from '@/lib/server/http/limits';
import { withMultipart } from '@/lib/server/http/multipart';
import { importUpload } from '@/lib/server/registry/import/upload';

export const runtime = 'nodejs';

/**
 * Model import from the ML engineer's upload page (or a script with a ROLE-scoped token): multipart with `format`
 * (monai-bundle | nnunet | onnx), optional `name` / `version`, and an `archive` zip or `onnx` file(s) + `card`.
 * 201 with the registered candidate, 200 when the same files were already registered; a refusal answers 400 with the
 * message and the card field it names (`error.fieldErrors`), and nothing is stored.
 */
export const POST = handleRoute(async (req: Request) => {
  const actor = await requireRouteActor('model:register');
  try {
    const model = await withMultipart(
      req,
      { limits: uploadLimits('model'), invalidMessage: 'Send the model as multipart/form-data (format, and archive or onnx + card).' },
      (form) => importUpload(actor, form),
    );
    return NextResponse.json(model, { status: model.created ? 201 : 200 });
  } catch (e) {
    // the form points at the field a refusal names; handleRoute answers every other error as usual
    if (isAppError(e) && e.details.fieldErrors)
      return NextResponse.json({ error: { code: e.code, message: e.userMessage, fieldErrors: e.details.fieldErrors } }, { status: e.status });
    throw e;
  }
});
