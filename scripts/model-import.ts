/**
 * Registers a model from outside the trainer:
 *   npm run model:import -- --format monai-bundle|nnunet|onnx --source <dir|zip|file> [--card card.json]
 *                           [--name NAME --version SEMVER] [--stage CANDIDATE|PRODUCTION] [-- <importer options>]
 * monai-bundle / nnunet: the Python importer converts the source to ONNX + card 2 in a temporary folder;
 * onnx: the source is an .onnx file (the card's other ensemble members beside it) or a folder, with --card or a
 * card.json / model-card.json in that folder. The card is validated against every graph before anything is stored;
 * a refusal names the card field and exits 1. Prints `registered name@version (id ...)`. Arguments after a second
 * `--` go to the Python importer as they are (nnunet: --folds 0 1, --configuration, --channels; monai-bundle:
 * --weights <state dict>, --tap-features, --label-map).
 *   npm run model:import -- --mlflow models:/<name>@<alias>|models:/<name>/<version> [--name NAME --version SEMVER]
 * imports a registered MLflow version (MLFLOW_TRACKING_URI) as a candidate: lib/server/mlflow/import.ts.
 */
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importModel, IMPORT_FORMATS, type ImportFormat } from '../lib/server/registry/import';
import { SYSTEM } from '../lib/server/auth/actor';
import { disconnectDb } from '../lib/server/db';
import { isAppError } from '../lib/server/errors';
import { importFromMlflow } from '../lib/server/mlflow/import';

const USAGE = `usage: npm run model:import -- --format ${IMPORT_FORMATS.join('|')} --source <dir|zip|file> [--card card.json] [--name NAME --version SEMVER] [--stage CANDIDATE|PRODUCTION] [-- <importer options>]
       npm run model:import -- --mlflow models:/<name>@<alias>|models:/<name>/<version> [--name NAME --version SEMVER]`;

async function main() {
  const { values, positionals, tokens } = parseArgs({
    allowPositionals: true,
    tokens: true,
    options: {
      format: { type: 'string' },
      source: { type: 'string' },
      card: { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      stage: { type: 'string', default: 'CANDIDATE' },
      mlflow: { type: 'string' },
    },
  });
  if (values.mlflow !== undefined) return importMlflow(values.mlflow, values, positionals.length > 0);
  const end = tokens.findIndex((t) => t.kind === 'option-terminator');
  const importerArgs = end < 0 ? [] : positionals.slice(positionals.length - (tokens.length - end - 1));
  if (positionals.length !== importerArgs.length) throw new Error(`unexpected argument ${positionals[0]}\n${USAGE}`);
  const format = values.format as ImportFormat;
  const stage = values.stage.toUpperCase();
  if (!IMPORT_FORMATS.includes(format) || !values.source || (stage !== 'CANDIDATE' && stage !== 'PRODUCTION')) throw new Error(USAGE);
  if (values.card && format !== 'onnx') throw new Error(`--card is for --format onnx: the ${format} importer writes the card.\n${USAGE}`);
  const model = await importModel(SYSTEM, {
    format,
    source: values.source,
    card: values.card ? await readCard(values.card) : undefined,
    name: values.name,
    version: values.version,
    stage,
    importerArgs,
    via: 'cli',
  });
  const how = model.created ? 'registered' : 'already registered (same files)';
  console.log(`${how} ${model.name}@${model.version} as ${model.stage} (id ${model.id})`);
}

/** `--mlflow <uri>`: the version's artefact folder comes from the registry, so the file options do not apply. */
async function importMlflow(
  uri: string,
  values: { format?: string; source?: string; card?: string; name?: string; version?: string; stage: string },
  extra: boolean,
) {
  if (values.format || values.source || values.card || extra || values.stage.toUpperCase() !== 'CANDIDATE')
    throw new Error(
      `--mlflow takes only --name and --version: the registry gives the files, and the model registers as a candidate.\n${USAGE}`,
    );
  const model = await importFromMlflow(SYSTEM, { uri, name: values.name, version: values.version });
  const how = model.created ? 'registered' : 'already registered (same files)';
  console.log(`${how} ${model.name}@${model.version} as ${model.stage} (id ${model.id}) from ${uri}`);
}

async function readCard(file: string): Promise<unknown> {
  const text = await fs.readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

main()
  .catch((e) => {
    console.error(isAppError(e) ? `model:import refused: ${e.userMessage}` : `model:import: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
