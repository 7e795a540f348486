import 'server-only';
import { loadModel, type LoadedModel } from '../inference';
import { registeredModelSource } from '../registry/files';

const byVersionId = new Map<string, Promise<LoadedModel>>();

/** A registered model version, ready to segment; its ONNX blobs (an ensemble's members) are read once per process. */
export function loadRegisteredModel(modelVersionId: string): Promise<LoadedModel> {
  let pending = byVersionId.get(modelVersionId);
  if (!pending) {
    pending = registeredModelSource(modelVersionId).then((source) => loadModel(source));
    pending.catch(() => byVersionId.delete(modelVersionId));
    byVersionId.set(modelVersionId, pending);
  }
  return pending;
}
