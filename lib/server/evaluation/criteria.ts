import 'server-only';
import { criteriaConfigSchema, criteriaEditSchema, DEFAULT_CRITERIA, type CriteriaConfig } from '@/lib/schemas/criteria';
import { db, type Db, type Tx } from '../db';
import { AppError } from '../errors';
import { AUDIT, recordAudit } from '../audit';
import { SYSTEM, type Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';

/** Acceptance criteria are append-only: an edit inserts version max+1, so every evaluation names the rules it used. */
export interface CriteriaVersionDto {
  id: string;
  version: number;
  config: CriteriaConfig;
  createdBy: string | null;
  createdAt: string;
}

type Row = { id: string; version: number; config: unknown; createdAt: Date; createdBy?: { name: string } | null };

function toDto(row: Row): CriteriaVersionDto {
  return {
    id: row.id,
    version: row.version,
    config: criteriaConfigSchema.parse(row.config),
    createdBy: row.createdBy?.name ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Seeds version 1 (the defaults) on a database that has none; safe to call on every start or seed. */
export async function ensureDefaultCriteria(client: Db = db()): Promise<CriteriaVersionDto> {
  const existing = await client.acceptanceCriteria.findFirst({
    orderBy: { version: 'desc' },
    include: { createdBy: { select: { name: true } } },
  });
  if (existing) return toDto(existing);
  try {
    const row = await client.$transaction(async (tx) => {
      const created = await tx.acceptanceCriteria.create({ data: { version: 1, config: DEFAULT_CRITERIA as object } });
      await recordAudit(tx, {
        actor: SYSTEM,
        action: AUDIT.criteriaCreate,
        entityId: created.id,
        data: { version: 1, reason: 'default criteria' },
      });
      return created;
    });
    return toDto(row);
  } catch (e) {
    // Another process seeded it first (unique version): read theirs.
    if ((e as { code?: string }).code === 'P2002') return ensureDefaultCriteria(client);
    throw e;
  }
}

/** The newest version: the one a new evaluation applies. */
export async function getActiveCriteria(): Promise<CriteriaVersionDto> {
  return ensureDefaultCriteria();
}

export async function getCriteriaVersion(client: Db | Tx, id: string): Promise<CriteriaVersionDto> {
  const row = await client.acceptanceCriteria.findUnique({ where: { id }, include: { createdBy: { select: { name: true } } } });
  if (!row) throw new AppError('NOT_FOUND', 'No such acceptance criteria version.');
  return toDto(row);
}

export async function listCriteriaVersions(): Promise<CriteriaVersionDto[]> {
  await ensureDefaultCriteria();
  const rows = await db().acceptanceCriteria.findMany({ orderBy: { version: 'desc' }, include: { createdBy: { select: { name: true } } } });
  return rows.map(toDto);
}

/** Inserts the next version. A concurrent edit that took the same number is refused (CONFLICT), not merged. */
export async function saveCriteriaVersion(actor: Actor, input: unknown): Promise<CriteriaVersionDto> {
  await authorize(actor, 'criteria:edit');
  const parsed = criteriaEditSchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('INVALID_INPUT', `Criteria invalid at ${first.path.join('.')}: ${first.message}`);
  }
  const current = await ensureDefaultCriteria();
  const userId = actor.kind === 'user' ? actor.id : null;
  try {
    const row = await db().$transaction(async (tx) => {
      const created = await tx.acceptanceCriteria.create({
        data: { version: current.version + 1, config: parsed.data.config as object, createdById: userId },
        include: { createdBy: { select: { name: true } } },
      });
      await recordAudit(tx, {
        actor,
        action: AUDIT.criteriaCreate,
        entityId: created.id,
        data: { version: created.version, previousVersion: current.version, reason: parsed.data.reason },
      });
      return created;
    });
    return toDto(row);
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002')
      throw new AppError('CONFLICT', 'Someone saved a new criteria version meanwhile; reload and re-apply your change.');
    throw e;
  }
}
