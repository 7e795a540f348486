/**
 * Upgrades keep data: a database built with the first migration and filled as a deployment fills it is upgraded with
 * `npm run db:migrate`; every row of every table survives unchanged, and the shadow agreements and serving failures
 * that the audit log held read back from their new tables exactly as the old code read them. Runs on the provider of
 * the generated client (scripts/test.sh runs it on SQLite and on PostgreSQL).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedProvider } from '../support/db';
import { createRawDatabase, type RawDatabase } from './raw';
import { agreementEvents, failureEvents, fixtureIds, labelHead, v1Rows } from './v1-fixture';
import { resetEnvCache } from '@/lib/server/env';
import { db, disconnectDb } from '@/lib/server/db';
import { storedAgreements } from '@/lib/server/registry/shadow';
import { deploymentReport } from '@/lib/server/registry/monitoring';
import { AUDIT } from '@/lib/server/audit';

const root = path.resolve(__dirname, '../..');
const provider = generatedProvider();
let raw: RawDatabase;
const before = new Map<string, Record<string, unknown>[]>();
const after = new Map<string, Record<string, unknown>[]>();

function migrate(url: string, ...args: string[]) {
  execFileSync('npm', ['run', '--silent', 'db:migrate', '--', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'pipe',
  });
}

beforeAll(async () => {
  raw = await createRawDatabase(provider);
  migrate(raw.url, '--until', 'init');
  for (const [table, rows] of v1Rows()) for (const row of rows) await raw.insert(table, row);
  await raw.exec(
    `UPDATE "Label" SET "headVersionId" = ${provider === 'sqlite' ? '?' : '$1'} WHERE "id" = ${provider === 'sqlite' ? '?' : '$2'}`,
    [labelHead.headVersionId, labelHead.labelId],
  );
  for (const table of await raw.tables()) before.set(table, await raw.rows(table));
  await raw.close();
  migrate(raw.url);
  for (const table of await raw.tables()) after.set(table, await raw.rows(table));
  process.env.DATABASE_URL = raw.url;
  resetEnvCache();
}, 180_000);

afterAll(async () => {
  await disconnectDb();
  await raw?.close();
  await raw?.drop();
});

const pick = (row: Record<string, unknown>, columns: string[]) => Object.fromEntries(columns.map((c) => [c, row[c]]));

/** Columns a migration rewrites on purpose; each has its own test below. */
const REWRITTEN: Record<string, string[]> = { Case: ['metadata'] };

describe(`upgrading a first-migration database (${provider})`, () => {
  it('keeps every row of every table, column for column', () => {
    const counts: Record<string, string> = {};
    for (const [table, rows] of before) {
      const columns = Object.keys(rows[0] ?? {}).filter((c) => !REWRITTEN[table]?.includes(c));
      expect(
        after.get(table)?.map((r) => pick(r, columns)),
        table,
      ).toEqual(rows.map((r) => pick(r, columns)));
      counts[table] = `${rows.length} -> ${after.get(table)?.length}`;
    }
    const filled = v1Rows().map(([table]) => table);
    for (const table of filled) expect(before.get(table)?.length, table).toBeGreaterThan(0);
    console.log(`[upgrade ${provider}] rows before -> after:`, JSON.stringify(counts));
  });

  it('moves each shadow agreement into its table once, and reads it back as the audit log held it', async () => {
    expect(after.get('ShadowAgreement')).toHaveLength(2);
    const stored = await storedAgreements(['p_shadow_0', 'p_shadow_1']);
    expect(Object.fromEntries(stored)).toEqual({ p_shadow_0: agreementEvents[0].data, p_shadow_1: agreementEvents[2].data });
    const report = await deploymentReport(fixtureIds.candidate, 'SHADOW', 0.8);
    expect(report.agreementRecorded).toBe(2);
    expect(report.agreement).toEqual({ WT: (0.91 + 0.5) / 2, TC: (0.875 + 0.25) / 2, ET: (0.8 + 1) / 2 });
    expect(report.disagreements.map((d) => d.predictionId)).toEqual(['p_shadow_1']);
    expect(report.failedCases).toBe(0);
  });

  it('moves the failed canary case into one serving failure with its attempts, and the canary report counts it', async () => {
    const failures = await db().servingFailure.findMany();
    expect(failures.map(({ id: _id, ...f }) => f)).toEqual([
      {
        caseId: 'c_3',
        modelVersionId: fixtureIds.candidate,
        role: 'CANARY',
        returned: true,
        error: failureEvents[1].data.error,
        attempts: 2,
        firstFailedAt: failureEvents[0].createdAt,
        lastFailedAt: failureEvents[1].createdAt,
      },
    ]);
    expect((await deploymentReport(fixtureIds.candidate, 'CANARY', 0.8)).failedCases).toBe(1);
  });

  it('gives API tokens made before scopes existed the scope that keeps their behaviour (their role)', () => {
    expect(after.get('ApiToken')?.map((t) => [t.id, t.scope, t.expiresAt])).toEqual([['t_pacs', 'ROLE', null]]);
  });

  it('replaces the uploaded file names kept in case metadata with modality and hash', async () => {
    for (const c of await db().case.findMany({ include: { volumes: true } })) {
      expect(JSON.stringify(c.metadata)).not.toContain('DOE_JANE');
      const byModality = [...c.volumes].sort((a, b) => a.modality.localeCompare(b.modality));
      expect(c.metadata).toEqual({ patientPseudonym: null, files: byModality.map((v) => ({ modality: v.modality, sha256: v.sha256 })) });
    }
  });

  it("makes each version's single ONNX file its member 0, named as its card names it (model.onnx when it does not)", async () => {
    const files = await db().modelFile.findMany({ orderBy: { modelVersionId: 'asc' } });
    expect(files.map((f) => [f.modelVersionId, f.ordinal, f.file, f.blobKey, f.sha256]).sort()).toEqual(
      [
        [fixtureIds.production, 0, 'model.onnx', 'sha256/prod', 'a'.repeat(64)],
        [fixtureIds.candidate, 0, 'candidate.onnx', 'sha256/cand', 'b'.repeat(64)],
      ].sort(),
    );
  });

  it('keeps the audit events that record what happened', async () => {
    expect(await db().auditEvent.count({ where: { action: AUDIT.shadowAgreement } })).toBe(agreementEvents.length);
    expect(await db().auditEvent.count({ where: { action: AUDIT.predictionFailed } })).toBe(failureEvents.length);
  });
});
