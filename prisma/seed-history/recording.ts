/**
 * A recorded training run: what `npm run demo:record` keeps of a real LOCAL run of training/ (the registered ONNX and
 * card, the trainer's log and metrics) and the content of the snapshot it trained on, without database ids (external
 * case ids, splits, image and label sha256), so that a later seed can check that its own snapshot holds the same data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { canonicalJson, type SnapshotManifest } from '../../lib/server/datasets/manifest';
import { RECORDINGS_DIR, type RunKey } from './plan';

const contentCase = z.object({
  externalId: z.string(),
  split: z.string(),
  site: z.string().nullable(),
  label: z.string(),
  images: z.record(z.string(), z.string()),
});
export type ContentCase = z.infer<typeof contentCase>;

export const recordingSchema = z.object({
  key: z.string(),
  recordedBy: z.literal('npm run demo:record'),
  runner: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** the run's parameters as the app resolved them (model name and version, parent checkpoint) */
  params: z.record(z.string(), z.unknown()),
  snapshot: z.object({ id: z.string(), sha256: z.string(), cases: z.array(contentCase) }),
});
export type Recording = z.infer<typeof recordingSchema>;

export const FILES = {
  onnx: 'model.onnx',
  card: 'model-card.json',
  log: 'train.log',
  metrics: 'metrics.json',
  recording: 'recording.json',
};

export const recordingDir = (key: RunKey) => path.join(RECORDINGS_DIR, key);

/** What a snapshot holds, independent of the database it lives in. */
export function snapshotContent(manifest: SnapshotManifest): ContentCase[] {
  return manifest.cases
    .map((c) => ({ externalId: c.externalId, split: c.split, site: c.site, label: c.label, images: c.images }))
    .sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
}

export function sameContent(a: ContentCase[], b: ContentCase[]): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export interface LoadedRecording {
  recording: Recording;
  onnx: Uint8Array;
  card: Record<string, unknown>;
  log: string;
  metrics: unknown;
}

export function hasRecording(key: RunKey): boolean {
  return fs.existsSync(path.join(recordingDir(key), FILES.recording));
}

export function readRecording(key: RunKey): LoadedRecording {
  const dir = recordingDir(key);
  const read = (f: string) => fs.readFileSync(path.join(dir, f));
  return {
    recording: recordingSchema.parse(JSON.parse(read(FILES.recording).toString('utf8'))),
    onnx: new Uint8Array(read(FILES.onnx)),
    card: JSON.parse(read(FILES.card).toString('utf8')),
    log: read(FILES.log).toString('utf8'),
    metrics: JSON.parse(read(FILES.metrics).toString('utf8')),
  };
}

export function writeRecording(key: RunKey, r: LoadedRecording): string {
  const dir = recordingDir(key);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, FILES.onnx), r.onnx);
  fs.writeFileSync(path.join(dir, FILES.card), `${JSON.stringify(r.card, null, 1)}\n`);
  fs.writeFileSync(path.join(dir, FILES.log), r.log);
  fs.writeFileSync(path.join(dir, FILES.metrics), `${JSON.stringify(r.metrics, null, 1)}\n`);
  fs.writeFileSync(path.join(dir, FILES.recording), `${JSON.stringify(r.recording, null, 1)}\n`);
  return dir;
}
