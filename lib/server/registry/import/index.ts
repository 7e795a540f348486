import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { db } from '../../db';
import { AUDIT, recordAudit } from '../../audit';
import { AppError, isAppError } from '../../errors';
import { authorize } from '../../auth/authorize';
import type { Actor } from '../../auth/actor';
import { insertModelVersion, prepareModelVersion, readModelDir, type ModelDir, type RegisterModelInput } from '../register';
import { extractZip, isZip } from './archive';
import { runPythonImporter } from './python';

/**
 * Bring your own model: a MONAI bundle or an nnU-Net v2 trained-model folder (or either zipped) is converted by the
 * Python importer into ONNX + card 2; an ONNX file (or an ensemble's files) comes with a hand-written card. Either way
 * the card is validated against every graph (register.ts, import/graph.ts) and the version registered like the
 * trainer's own: nothing is stored unless all of it holds, and a refusal names the card field and is audited.
 */
export const IMPORT_FORMATS = ['monai-bundle', 'nnunet', 'onnx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportRequest {
  format: ImportFormat;
  /** a folder, a .zip, or (onnx) an .onnx file whose folder holds the card's other members */
  source: string;
  /** onnx: the hand-written card (decoded JSON); without it the source folder must hold card.json or model-card.json */
  card?: unknown;
  /** the name@version to register under (the card's otherwise) */
  name?: string;
  version?: string;
  stage?: 'CANDIDATE' | 'PRODUCTION';
  via: 'cli' | 'upload' | 'mlflow';
  /** monai-bundle / nnunet: the Python importer's own options (python.ts) */
  importerArgs?: string[];
  /** what the user called the source (an uploaded file's name): the audit entity of a refusal */
  label?: string;
}

export interface ImportedModel {
  id: string;
  name: string;
  version: string;
  stage: string;
  /** false: the same files were already registered under this name@version (idempotent re-import) */
  created: boolean;
}

export async function importModel(actor: Actor, req: ImportRequest): Promise<ImportedModel> {
  await authorize(actor, 'model:register');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-import-'));
  try {
    const dir = await modelDirFor(req, work);
    return await register(actor, req, dir);
  } catch (e) {
    if (isAppError(e) && (e.code === 'INVALID_INPUT' || e.code === 'CONFLICT')) await recordRefusal(actor, req, e);
    throw e;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The model directory to register: converted by the importer, or the ONNX file(s) with their card. */
async function modelDirFor(req: ImportRequest, work: string): Promise<ModelDir> {
  let source = path.resolve(req.source);
  const stat = await fs.stat(source).catch(() => {
    throw new AppError('INVALID_INPUT', `The source ${req.source} does not exist.`);
  });
  // the Python importers read bundle and nnU-Net zips themselves, streaming to disk (checkpoints run to GBs);
  // an ONNX model's zip is unpacked here
  if (req.format === 'onnx' && stat.isFile() && (await isZip(source))) {
    const unpacked = path.join(work, 'source');
    await fs.mkdir(unpacked);
    source = await extractZip(source, unpacked);
  }
  if (req.format === 'onnx' && req.importerArgs?.length)
    throw new AppError('INVALID_INPUT', 'Importer options are for monai-bundle and nnunet; an ONNX model needs none.');
  if (req.format !== 'onnx') {
    const out = path.join(work, 'out'); // the importers create it (complete, or not at all)
    await runPythonImporter({ format: req.format, source, out, name: req.name, version: req.version, extraArgs: req.importerArgs });
    return readModelDir(out);
  }
  const isDir = (await fs.stat(source)).isDirectory();
  const folder = isDir ? source : path.dirname(source);
  if (req.card === undefined) return withIdentity(await readModelDir(folder), req);
  const card = req.card as { onnx?: { file?: unknown } } | null;
  if (!isDir && card?.onnx?.file !== path.basename(source))
    throw new AppError(
      'INVALID_INPUT',
      `model card field onnx.file: names ${String(card?.onnx?.file)}, but the ONNX file given is ${path.basename(source)}`,
      { fieldErrors: { 'onnx.file': [`names ${String(card?.onnx?.file)}, not ${path.basename(source)}`] } },
    );
  const cardDir = path.join(work, 'card');
  await fs.mkdir(cardDir);
  await fs.writeFile(path.join(cardDir, 'card.json'), JSON.stringify(req.card));
  return withIdentity(await readModelDir(folder, cardDir), req);
}

/** --name / --version rename a hand-written card's model (the Python importers take them as arguments). */
function withIdentity(dir: ModelDir, req: ImportRequest): ModelDir {
  if (!req.name && !req.version) return dir;
  const card = { ...(dir.card as object) } as Record<string, unknown>;
  if (req.name) card.name = req.name;
  if (req.version) card.version = req.version;
  return { ...dir, card };
}

async function register(actor: Actor, req: ImportRequest, dir: ModelDir): Promise<ImportedModel> {
  const input: RegisterModelInput = { ...dir, stage: req.stage ?? 'CANDIDATE', origin: { format: req.format, via: req.via } };
  const prepared = await prepareModelVersion(input);
  if ('existing' in prepared) {
    const e = prepared.existing;
    return { id: e.id, name: e.name, version: e.version, stage: e.stage, created: false };
  }
  const mv = await db().$transaction(async (tx) => {
    // a first production model is registered as one; replacing one goes through shadow, canary and a signature
    if (input.stage === 'PRODUCTION' && (await tx.modelVersion.count({ where: { stage: 'PRODUCTION' } })))
      throw new AppError(
        'CONFLICT',
        'A production model is already serving: import as a candidate and promote it (shadow, canary, signed promotion).',
      );
    return insertModelVersion(tx, actor, input, prepared);
  });
  return { id: mv.id, name: mv.name, version: mv.version, stage: mv.stage, created: true };
}

/** A refused import changes nothing, but who tried what, and why it was refused, is kept. */
async function recordRefusal(actor: Actor, req: ImportRequest, e: AppError): Promise<void> {
  const field = Object.keys(e.details.fieldErrors ?? {})[0] ?? null;
  const entityId = req.name && req.version ? `${req.name}@${req.version}` : (req.label ?? path.basename(req.source));
  await db().$transaction((tx) =>
    recordAudit(tx, {
      actor,
      action: AUDIT.modelImportRefused,
      entityId,
      data: { format: req.format, via: req.via, field, message: e.userMessage.slice(0, 2000) },
    }),
  );
}
