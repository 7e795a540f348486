import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { db } from '../db';
import { blobs } from '../blobs';
import { AUDIT, recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { authorize } from '../auth/authorize';
import { recordLockedReads } from './locked-reads';
import { CHANNELS, fileKey, type SnapshotCase } from './manifest';
import { loadSnapshot, niftiExtension } from './files';
import { TRAINER_SPLITS, trainingManifest } from './training-manifest';

export type ExportFormat = 'monai' | 'nnunet';

export interface ExportResult {
  format: ExportFormat;
  dir: string;
  cases: number;
  files: number;
}

const isTraining = (c: SnapshotCase) => (TRAINER_SPLITS as readonly string[]).includes(c.split);

/**
 * Writes a snapshot for use outside the app: a MONAI datalist (datalist.json + images/ + labels/) or an nnU-Net v2
 * raw dataset (DatasetXXX_Name/imagesTr, labelsTr, dataset.json; hold-out splits under imagesTs/labelsTs). Exporting
 * cases of a locked hold-out is a read of it, and is audited as one.
 */
export async function exportSnapshot(
  actor: Actor,
  input: { snapshotId: string; format: ExportFormat; outDir: string; datasetId?: number },
): Promise<ExportResult> {
  await authorize(actor, 'dataset:manage');
  const snap = await loadSnapshot(input.snapshotId);
  const cases = snap.manifest.cases;
  let dir = path.resolve(input.outDir);
  let files = 0;
  if (input.format === 'monai') {
    files = await writeMonai(dir, snap, cases);
  } else {
    dir = path.join(dir, `Dataset${String(input.datasetId ?? 501).padStart(3, '0')}_TumorWatch`);
    files = await writeNnunet(dir, snap, cases);
  }
  await auditExport(actor, snap.id, input.format, cases);
  return { format: input.format, dir, cases: cases.length, files };
}

/**
 * The training cases (TRAIN and VAL) of a snapshot in one of the formats above, for a training command outside the
 * app (the COMMAND runner). Hold-out cases are never written, and a case that has joined a hold-out since the snapshot
 * was taken is refused (trainingManifest), so this reads no locked set and audits nothing: the run is the record.
 */
export async function exportTrainingCases(input: { snapshotId: string; format: ExportFormat; outDir: string }): Promise<ExportResult> {
  await trainingManifest(input.snapshotId);
  const snap = await loadSnapshot(input.snapshotId);
  const cases = snap.manifest.cases.filter(isTraining);
  const root = path.resolve(input.outDir);
  const dir = input.format === 'monai' ? root : path.join(root, 'Dataset501_TumorWatch');
  const files = input.format === 'monai' ? await writeMonai(dir, snap, cases) : await writeNnunet(dir, snap, cases);
  return { format: input.format, dir, cases: cases.length, files };
}

async function writeMonai(dir: string, snap: { id: string; sha256: string; name: string }, cases: SnapshotCase[]): Promise<number> {
  const entry = async (c: SnapshotCase) => {
    const image: string[] = [];
    for (const ch of CHANNELS) {
      const rel = `images/${c.externalId}/${c.externalId}_${ch.toLowerCase()}${await niftiExtension(c.images[ch])}`;
      await copyBlob(c.images[ch], path.join(dir, rel), false);
      image.push(rel);
    }
    const label = `labels/${c.externalId}${await niftiExtension(c.label)}`;
    await copyBlob(c.label, path.join(dir, label), false);
    return { caseId: c.externalId, split: c.split, site: c.site, image, label };
  };
  const list = { training: [] as unknown[], validation: [] as unknown[], testing: [] as unknown[] };
  for (const c of cases) (c.split === 'TRAIN' ? list.training : c.split === 'VAL' ? list.validation : list.testing).push(await entry(c));
  const doc = {
    name: snap.name,
    snapshot: { id: snap.id, sha256: snap.sha256 },
    channels: CHANNELS,
    labels: { 0: 'background', 1: 'NCR', 2: 'ED', 3: 'ET' },
    ...list,
  };
  await writeJson(path.join(dir, 'datalist.json'), doc);
  return cases.length * 5 + 1;
}

async function writeNnunet(dir: string, snap: { id: string; sha256: string; name: string }, cases: SnapshotCase[]): Promise<number> {
  for (const c of cases) {
    const id = c.externalId.replace(/\./g, '_');
    const [images, labels] = isTraining(c) ? ['imagesTr', 'labelsTr'] : ['imagesTs', 'labelsTs'];
    for (const [i, ch] of CHANNELS.entries())
      await copyBlob(c.images[ch], path.join(dir, images, `${id}_${String(i).padStart(4, '0')}.nii.gz`), true);
    await copyBlob(c.label, path.join(dir, labels, `${id}.nii.gz`), true);
  }
  const doc = {
    channel_names: Object.fromEntries(CHANNELS.map((ch, i) => [String(i), ch])),
    labels: { background: 0, NCR: 1, ED: 2, ET: 3 },
    numTraining: cases.filter(isTraining).length,
    file_ending: '.nii.gz',
    name: snap.name,
    description: `TumorWatch snapshot ${snap.id}; hold-out splits are under imagesTs/labelsTs`,
    reference: `sha256:${snap.sha256}`,
    splits: Object.fromEntries(cases.map((c) => [c.externalId.replace(/\./g, '_'), c.split])),
  };
  await writeJson(path.join(dir, 'dataset.json'), doc);
  return cases.length * 5 + 1;
}

/** Blob -> file; `gzip` forces .nii.gz content (nnU-Net reads every file with one ending) when the blob is plain. */
async function copyBlob(sha256: string, dest: string, gzip: boolean): Promise<void> {
  await fs.promises.mkdir(path.dirname(dest), { recursive: true });
  const plain = (await niftiExtension(sha256)) === '.nii';
  const source = await blobs().createReadStream(fileKey(sha256));
  const tmp = `${dest}.part`;
  if (gzip && plain) await pipeline(source, zlib.createGzip({ level: 1 }), fs.createWriteStream(tmp));
  else await pipeline(source, fs.createWriteStream(tmp));
  await fs.promises.rename(tmp, dest);
}

async function writeJson(file: string, doc: unknown) {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, JSON.stringify(doc, null, 2) + '\n');
}

async function auditExport(actor: Actor, snapshotId: string, format: ExportFormat, cases: SnapshotCase[]) {
  const locked = await db().dataset.findMany({
    where: { locked: true, members: { some: { caseId: { in: cases.map((c) => c.caseId) } } } },
  });
  await db().$transaction(async (tx) => {
    await recordAudit(tx, { actor, action: AUDIT.snapshotExport, entityId: snapshotId, data: { format, cases: cases.length } });
    await recordLockedReads(tx, actor, locked, 'EXPORT', { snapshotId, format });
  });
}
