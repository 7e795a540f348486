import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import { loadModel, segment, type LoadedModel } from '../inference';
import { registeredModelSource } from '../registry/files';
import { loadCaseVolumes } from '../serving/case-volumes';
import { encodeMask } from '../labels/mask-codec';
import { readPredictionMask } from '../labels/store';
import type { CaseGrid } from '../labels/grid';

/**
 * A model's mask for a case. A stored serving prediction of that model is reused (the mask clinicians or the shadow
 * report saw); otherwise the model runs now and its mask is stored as a content-addressed blob, referenced from the
 * evaluation's per-case JSON (not as a Prediction: an evaluation is not serving traffic).
 */
export interface ModelMask {
  mask: Uint8Array;
  sha256: string;
  blobKey: string;
  source: 'stored' | 'inference';
}

export interface MaskModel {
  id: string;
}

export class MaskSource {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  async maskFor(model: MaskModel, caseId: string, grid: CaseGrid): Promise<ModelMask> {
    const stored = await db().prediction.findFirst({
      where: { caseId, modelVersionId: model.id },
      orderBy: [{ returned: 'desc' }, { createdAt: 'desc' }],
      select: { maskBlobKey: true, maskSha256: true },
    });
    if (stored)
      return { mask: await readPredictionMask(stored, grid), sha256: stored.maskSha256, blobKey: stored.maskBlobKey, source: 'stored' };
    const result = await segment({ model: await this.model(model), volumes: await loadCaseVolumes(caseId) });
    const put = await blobs().put(encodeMask(result.mask, grid), { contentType: 'application/gzip' });
    return { mask: result.mask, sha256: put.sha256, blobKey: put.key, source: 'inference' };
  }

  private model(model: MaskModel): Promise<LoadedModel> {
    let hit = this.loaded.get(model.id);
    if (!hit) {
      hit = registeredModelSource(model.id).then((source) => loadModel(source));
      this.loaded.set(model.id, hit);
    }
    return hit;
  }
}
