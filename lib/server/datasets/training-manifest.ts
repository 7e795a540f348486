import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import { SNAPSHOT_LABEL_MAP, CHANNELS } from './manifest';
import { loadSnapshot, niftiExtension, ROLES, roleSha, type FileRole, type SnapshotFile } from './files';
import { HOLDOUT_KINDS } from './snapshot';

/** The splits a trainer reads; every other split of a snapshot (hold-outs) is left out of the files it receives. */
export const TRAINER_SPLITS = ['TRAIN', 'VAL'] as const;

export interface TrainingManifest {
  /** The trainer's manifest (training/src/tumorwatch_train/manifest.py), paths relative to its own folder. */
  doc: {
    version: 1;
    snapshot: { id: string; sha256: string };
    labelMap: string;
    cases: { caseId: string; split: string; images: Record<string, string>; label: string; sha256: Record<string, string> }[];
  };
  files: SnapshotFile[];
}

const FILE_NAME: Record<FileRole, string> = { T1N: 't1n', T1C: 't1c', T2W: 't2w', T2F: 't2f', label: 'seg' };

/**
 * What a training run may read of a snapshot: its TRAIN (and VAL) cases only. Checked again here, not only when the
 * snapshot was taken, because a case can join a hold-out later: a case now in any hold-out set is refused.
 */
export async function trainingManifest(snapshotId: string): Promise<TrainingManifest> {
  const snap = await loadSnapshot(snapshotId);
  const cases = snap.manifest.cases.filter((c) => (TRAINER_SPLITS as readonly string[]).includes(c.split));
  if (cases.length === 0) throw new AppError('INVALID_INPUT', `Snapshot ${snap.name} has no training cases.`);
  const leak = await db().datasetMember.findFirst({
    where: { caseId: { in: cases.map((c) => c.caseId) }, dataset: { kind: { in: [...HOLDOUT_KINDS] } } },
    include: { dataset: true, case: true },
  });
  if (leak)
    throw new AppError(
      'CONFLICT',
      `Case ${leak.case.externalId} is now in the hold-out "${leak.dataset.name}": this snapshot can no longer be trained on.`,
    );

  const files: SnapshotFile[] = [];
  const out: TrainingManifest['doc']['cases'] = [];
  for (const c of cases) {
    const paths = {} as Record<FileRole, string>;
    const sha256: Record<string, string> = {};
    for (const role of ROLES) {
      const sha = roleSha(c, role);
      paths[role] = `cases/${c.externalId}/${FILE_NAME[role]}${await niftiExtension(sha)}`;
      sha256[role] = sha;
      files.push({ path: paths[role], sha256: sha });
    }
    out.push({
      caseId: c.externalId,
      split: c.split,
      images: Object.fromEntries(CHANNELS.map((ch) => [ch, paths[ch]])),
      label: paths.label,
      sha256,
    });
  }
  return { doc: { version: 1, snapshot: { id: snap.id, sha256: snap.sha256 }, labelMap: SNAPSHOT_LABEL_MAP, cases: out }, files };
}
