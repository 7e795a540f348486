import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { env } from '../env';
import { AppError } from '../errors';
import { authorize } from '../auth/authorize';
import type { Actor } from '../auth/actor';
import { importModel, type ImportedModel } from '../registry/import';
import { MlflowClient, MlflowError } from './client';
import { saveLink } from './links';

/** `models:/<name>@<alias>` or `models:/<name>/<version>` (MLflow's model URIs). */
const MODELS_URI = /^models:\/([^/@]+)(?:@([A-Za-z0-9_-]+)|\/(\d+))$/;
const MAX_FILES = 64;

export function parseModelsUri(uri: string): { name: string; ref: { alias: string } | { version: string } } {
  const m = MODELS_URI.exec(uri.trim());
  if (!m)
    throw new AppError('INVALID_INPUT', `${uri} is not an MLflow model URI: expected models:/<name>@<alias> or models:/<name>/<version>.`);
  return { name: m[1], ref: m[2] ? { alias: m[2] } : { version: m[3] } };
}

/** The proxied artefact folder of a version's source (`mlflow-artifacts:/...` or `runs:/<run>/<path>`), minus the scheme. */
async function artefactRoot(client: MlflowClient, source: string): Promise<string> {
  let uri = source;
  const runs = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (runs) uri = `${await client.runArtifactUri(runs[1])}${runs[2] ? `/${runs[2]}` : ''}`;
  if (!uri.startsWith('mlflow-artifacts:'))
    throw new AppError('INVALID_INPUT', `The MLflow version's source ${source} is not served by the tracking server (--serve-artifacts).`);
  return uri.slice('mlflow-artifacts:'.length).replace(/^\/+/, '').replace(/\/+$/, '');
}

/** Downloads the files directly under the folder (the ONNX file(s) and card.json) into `dir`. */
async function download(baseUrl: string, root: string, dir: string): Promise<string[]> {
  const get = async (route: string) => {
    const res = await fetch(new URL(route, baseUrl), { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new AppError('UNAVAILABLE', `MLflow answered ${res.status} for ${route}.`);
    return res;
  };
  const listing = (await (await get(`/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(root)}`)).json()) as {
    files?: { path: string; is_dir?: boolean }[];
  };
  const files = (listing.files ?? []).filter((f) => !f.is_dir).map((f) => path.basename(f.path));
  if (files.length > MAX_FILES)
    throw new AppError('INVALID_INPUT', `The MLflow version's folder holds ${files.length} files (at most ${MAX_FILES}).`);
  for (const file of files) {
    const body = new Uint8Array(await (await get(`/api/2.0/mlflow-artifacts/artifacts/${root}/${encodeURIComponent(file)}`)).arrayBuffer());
    await fs.writeFile(path.join(dir, file), body);
  }
  return files;
}

/**
 * Imports a registered MLflow model version as a TumorWatch candidate: its artefact folder (ONNX file(s) + card.json,
 * as the mirror writes them or as an engineer logs them) goes through the registry's importer (importModel: the card
 * is checked against every graph; a refusal names the field and is audited). The new version links to its source.
 */
export async function importFromMlflow(actor: Actor, req: { uri: string; name?: string; version?: string }): Promise<ImportedModel> {
  await authorize(actor, 'model:register');
  const { name, ref } = parseModelsUri(req.uri);
  const baseUrl = env().MLFLOW_TRACKING_URI;
  if (!baseUrl) throw new AppError('INVALID_INPUT', 'MLFLOW_TRACKING_URI is not set: there is no MLflow registry to import from.');
  const client = new MlflowClient(baseUrl);
  const mv = await client.modelVersion(name, ref).catch((e: unknown) => {
    if (e instanceof MlflowError && e.status >= 400 && e.status < 500) throw new AppError('NOT_FOUND', `MLflow has no ${req.uri}.`);
    throw e;
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-mlflow-import-'));
  try {
    const files = await download(baseUrl, await artefactRoot(client, mv.source), dir);
    if (!files.some((f) => f.endsWith('.onnx')))
      throw new AppError('INVALID_INPUT', `${req.uri} has no ONNX file in its artefact folder (found: ${files.join(', ') || 'nothing'}).`);
    const imported = await importModel(actor, {
      format: 'onnx',
      source: dir,
      name: req.name,
      version: req.version,
      via: 'mlflow',
      label: req.uri,
    });
    await saveLink('model-version', imported.id, { runId: mv.runId || undefined, modelName: name, modelVersion: mv.version });
    return imported;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
