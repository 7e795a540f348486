import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { db } from '../../db';
import { blobs } from '../../blobs';
import { env } from '../../env';
import { exportTrainingCases } from '../../datasets/export';
import { writeFiles } from '../../datasets/files';
import type { RunnerContext } from '../runner';

export interface CommandInputs {
  /** The exported snapshot: the folder holding datalist.json (monai-datalist) or dataset.json (nnunet). */
  snapshotDir: string;
  format: 'monai-datalist' | 'nnunet';
  /** The parent model's folder (model-card.json, its ONNX file(s), checkpoint.pt when it has one); null from scratch. */
  parentDir: string | null;
  /** Empty; the command writes the new model here. */
  outDir: string;
}

/** Everything the command reads, written under the run folder (removed when the run ends; see execute.ts cleanUp). */
export async function writeCommandInputs(ctx: RunnerContext): Promise<CommandInputs> {
  const format = env().TRAINING_COMMAND_FORMAT;
  const outDir = path.join(ctx.runDir, 'out');
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const exported = await exportTrainingCases({
    snapshotId: ctx.snapshotId,
    format: format === 'nnunet' ? 'nnunet' : 'monai',
    outDir: path.join(ctx.runDir, 'snapshot'),
  });
  ctx.reporter.log(`exported ${exported.cases} training cases as ${format} to ${exported.dir}`);
  const parentDir = await writeParent(ctx);
  return { snapshotDir: exported.dir, format, parentDir, outDir };
}

/**
 * The parent is written from the registry, not from wherever it was imported from: its card as registered, every ONNX
 * member under the card's file names, and the training checkpoint when one was found (the project's trainer needs
 * it; a foreign trainer may start from the ONNX or from files of its own).
 */
async function writeParent(ctx: RunnerContext): Promise<string | null> {
  const run = await db().workflowRun.findUniqueOrThrow({
    where: { id: ctx.runId },
    include: { parentModel: { include: { files: { orderBy: { ordinal: 'asc' } } } } },
  });
  const parent = run.parentModel;
  if (!parent || ctx.params.input.init !== 'parent') return null;
  const dir = path.join(ctx.runDir, 'parent');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of parent.files)
    await pipeline(await blobs().createReadStream(f.blobKey), fs.createWriteStream(path.join(dir, path.basename(f.file))));
  fs.writeFileSync(path.join(dir, 'model-card.json'), JSON.stringify(parent.card, null, 1) + '\n'); // as registered
  const checkpoint = ctx.params.resolved.parentCheckpoint;
  if (checkpoint) await writeFiles(dir, [{ path: 'checkpoint.pt', sha256: checkpoint.sha256 }], ctx.signal);
  ctx.reporter.log(`parent ${parent.name}@${parent.version} written to ${dir}${checkpoint ? ' (with its checkpoint)' : ''}`);
  return dir;
}
