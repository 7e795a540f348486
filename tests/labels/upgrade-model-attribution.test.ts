/**
 * The label_version_model migration stores the model a MODEL version came from. Versions recorded before it are
 * attributed to the model of the case's returned prediction current when they were recorded; people's versions stay
 * without a model. Runs on the provider of the generated client.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedProvider } from '../support/db';
import { createRawDatabase, type RawDatabase } from '../db/raw';

const root = path.resolve(__dirname, '../..');
let raw: RawDatabase | undefined;

function migrate(url: string, ...args: string[]) {
  execFileSync('npm', ['run', '--silent', 'db:migrate', '--', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'pipe',
  });
}

afterAll(async () => {
  await raw?.close();
  await raw?.drop();
});

const minute = (m: number) => new Date(Date.UTC(2026, 11, 7, 12, m, 0));

describe('upgrading label versions to model attribution', () => {
  it('attributes an earlier MODEL version to the model whose prediction it was, and no EDIT version to a model', async () => {
    raw = await createRawDatabase(generatedProvider());
    migrate(raw.url, '--until', 'seg_export_series_key');
    await raw.insert('User', { id: 'u_1', email: 'r@t', name: 'Rad', role: 'RADIOLOGIST', passwordHash: 'x', createdAt: minute(0) });
    await raw.insert('Case', { id: 'c_1', externalId: 'UP-1', status: 'PREDICTED', createdAt: minute(0), updatedAt: minute(0) });
    for (const [id, version] of [
      ['m_old', '1.0.0'],
      ['m_new', '2.0.0'],
    ])
      await raw.insert('ModelVersion', {
        id,
        name: 'seg',
        version,
        blobKey: 'k',
        sha256: id,
        card: {},
        stage: 'PRODUCTION',
        createdAt: minute(0),
        stageChangedAt: minute(0),
      });
    // the prediction the editor opened (minute 1), and a later re-prediction by another model (minute 9)
    for (const [id, modelVersionId, at] of [
      ['p_old', 'm_old', 1],
      ['p_new', 'm_new', 9],
    ] as const)
      await raw.insert('Prediction', {
        id,
        caseId: 'c_1',
        modelVersionId,
        role: 'PRODUCTION',
        returned: true,
        maskBlobKey: 'k',
        maskSha256: id,
        volumesMl: {},
        latencyMs: 1,
        createdAt: minute(at),
      });
    await raw.insert('Label', { id: 'l_1', caseId: 'c_1', status: 'DRAFT', updatedAt: minute(5) });
    const version = { labelId: 'l_1', authorId: 'u_1', blobKey: 'k', voxelCounts: {}, changedVoxels: 0, message: '' };
    await raw.insert('LabelVersion', { ...version, id: 'v_1', number: 1, sha256: 'a', source: 'MODEL', createdAt: minute(5) });
    await raw.insert('LabelVersion', {
      ...version,
      id: 'v_2',
      number: 2,
      parentId: 'v_1',
      sha256: 'b',
      source: 'EDIT',
      createdAt: minute(5),
    });
    await raw.close();
    migrate(raw.url);
    const rows = await raw.rows('LabelVersion');
    expect(rows.map((r) => [r.id, r.modelVersionId])).toEqual([
      ['v_1', 'm_old'],
      ['v_2', null],
    ]);
  }, 180_000);
});
