import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { db } from '../db';
import { blobs } from '../blobs';
import { AppError } from '../errors';
import { CHANNELS, fileKey, readManifest, type Channel, type SnapshotCase, type SnapshotManifest } from './manifest';

export type FileRole = Channel | 'label';

/** One file of a snapshot as it will be laid out on disk (a path relative to the export or run folder). */
export interface SnapshotFile {
  path: string;
  sha256: string;
}

export async function loadSnapshot(snapshotId: string): Promise<{ id: string; sha256: string; name: string; manifest: SnapshotManifest }> {
  const snap = await db().datasetSnapshot.findUnique({ where: { id: snapshotId } });
  if (!snap) throw new AppError('NOT_FOUND', 'No such snapshot.');
  return { id: snap.id, sha256: snap.sha256, name: snap.name, manifest: await readManifest(snap.manifestBlobKey, snap.sha256) };
}

/** Stored volumes may be gzipped or not; readers (nibabel, nnU-Net) go by the file name, so the name must say which. */
export async function niftiExtension(sha256: string): Promise<'.nii.gz' | '.nii'> {
  const stream = await blobs().createReadStream(fileKey(sha256), { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  const head = Buffer.concat(chunks);
  return head[0] === 0x1f && head[1] === 0x8b ? '.nii.gz' : '.nii';
}

export function roleSha(c: SnapshotCase, role: FileRole): string {
  return role === 'label' ? c.label : c.images[role];
}

export const ROLES: FileRole[] = [...CHANNELS, 'label'];

/** Copies each file's blob to <dir>/<path>, written under a temporary name and renamed (no half files). */
export async function writeFiles(dir: string, files: SnapshotFile[], signal?: AbortSignal): Promise<void> {
  for (const f of files) {
    signal?.throwIfAborted();
    const dest = path.join(dir, f.path);
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.part`;
    await pipeline(await blobs().createReadStream(fileKey(f.sha256)), fs.createWriteStream(tmp), { signal });
    await fs.promises.rename(tmp, dest);
  }
}
