import 'server-only';
import { db } from '../db';
import { env } from '../env';

export type LinkKind = 'training-run' | 'evaluation' | 'model-version';
interface LinkFields {
  experimentId?: string;
  runId?: string;
  modelName?: string;
  modelVersion?: string;
}

/** Records (or updates) where an entity lives in MLflow, once its mirror succeeded. */
export async function saveLink(entityKind: LinkKind, entityId: string, fields: LinkFields): Promise<void> {
  await db().mlflowLink.upsert({
    where: { entityKind_entityId: { entityKind, entityId } },
    create: { entityKind, entityId, ...fields },
    update: fields,
  });
}

/** The MLflow UI addresses of a mirrored entity (run page, model version page), or null when not mirrored. */
export async function mlflowLinks(entityKind: LinkKind, entityId: string): Promise<{ run?: string; version?: string } | null> {
  const base = env().MLFLOW_TRACKING_URI;
  if (!base) return null;
  const link = await db().mlflowLink.findUnique({ where: { entityKind_entityId: { entityKind, entityId } } });
  if (!link) return null;
  const root = base.replace(/\/+$/, '');
  return {
    ...(link.runId && link.experimentId ? { run: `${root}/#/experiments/${link.experimentId}/runs/${link.runId}` } : {}),
    ...(link.modelName && link.modelVersion
      ? { version: `${root}/#/models/${encodeURIComponent(link.modelName)}/versions/${link.modelVersion}` }
      : {}),
  };
}
