import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import { AppError } from '../errors';
import { loadModel, type LoadedModel } from '../inference';

const byVersionId = new Map<string, Promise<LoadedModel>>();

/** A registered model version, ready to segment; the ONNX blob is read once per process. */
export function loadRegisteredModel(modelVersionId: string): Promise<LoadedModel> {
  let pending = byVersionId.get(modelVersionId);
  if (!pending) {
    pending = (async () => {
      const mv = await db().modelVersion.findUnique({ where: { id: modelVersionId } });
      if (!mv) throw new AppError('NOT_FOUND', `model version ${modelVersionId} does not exist`);
      return loadModel({ onnxBytes: await blobs().get(mv.blobKey), card: mv.card });
    })();
    pending.catch(() => byVersionId.delete(modelVersionId));
    byVersionId.set(modelVersionId, pending);
  }
  return pending;
}
