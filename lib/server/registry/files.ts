import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import { AppError } from '../errors';
import type { ModelSource } from '../inference';

/**
 * A registered version as the inference pipeline loads it: the card and every ONNX member's bytes in the card's
 * order (one file, or an ensemble's). Every reader of a model's ONNX bytes (serving, evaluation) comes through here,
 * so an ensemble loads wherever a single file does.
 */
export async function registeredModelSource(modelVersionId: string): Promise<ModelSource> {
  const mv = await db().modelVersion.findUnique({
    where: { id: modelVersionId },
    select: { card: true, files: { orderBy: { ordinal: 'asc' }, select: { blobKey: true } } },
  });
  if (!mv) throw new AppError('NOT_FOUND', `model version ${modelVersionId} does not exist`);
  if (!mv.files.length) throw new AppError('NOT_FOUND', `model version ${modelVersionId} has no stored ONNX file`);
  const [onnxBytes, ...memberBytes] = await Promise.all(mv.files.map((f) => blobs().get(f.blobKey)));
  return { onnxBytes, memberBytes, card: mv.card };
}
