import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { isAppError } from '../../errors';
import { readModelDir } from '../../registry/register';
import type { RunnerOutcome } from '../runner';

/**
 * What a training command left in {out}: a model card (model-card.json, or card.json as the importers write it) and
 * every ONNX file it names, read as any model directory is (registry readModelDir); optionally metrics.json and
 * checkpoint.pt. Whether the card is valid and agrees with the graphs is the registry's validation (ingest.ts), the
 * same for every runner.
 */
export async function readCommandArtefacts(out: string): Promise<RunnerOutcome> {
  let dir: Awaited<ReturnType<typeof readModelDir>>;
  try {
    dir = await readModelDir(out);
  } catch (err) {
    if (!isAppError(err)) throw err;
    return { status: 'FAILED', error: `The training command's output was refused: ${err.userMessage}` };
  }
  const file = (name: string) => path.join(out, name);
  let metrics: unknown = null;
  if (fs.existsSync(file('metrics.json'))) {
    try {
      metrics = JSON.parse(fs.readFileSync(file('metrics.json'), 'utf8'));
    } catch (e) {
      return { status: 'FAILED', error: `The training command's metrics.json is not valid JSON: ${(e as Error).message}` };
    }
  }
  const checkpoint = fs.existsSync(file('checkpoint.pt')) ? new Uint8Array(fs.readFileSync(file('checkpoint.pt'))) : null;
  return { status: 'TRAINED', artefacts: { onnx: dir.onnx, members: dir.members, card: dir.card, metrics, checkpoint } };
}
