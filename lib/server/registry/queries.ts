import 'server-only';
import { db } from '../db';

export interface ModelRowDto {
  id: string;
  name: string;
  version: string;
  stage: string;
  sha256: string;
  parent: string | null;
  createdAt: string;
}

export async function listModelVersions(): Promise<ModelRowDto[]> {
  const rows = await db().modelVersion.findMany({ orderBy: { createdAt: 'desc' }, include: { parent: true } });
  return rows.map((m) => ({
    id: m.id,
    name: m.name,
    version: m.version,
    stage: m.stage,
    sha256: m.sha256,
    parent: m.parent ? `${m.parent.name}@${m.parent.version}` : null,
    createdAt: m.createdAt.toISOString(),
  }));
}
