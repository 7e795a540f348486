/**
 * `--production <model>`: the scenario starts from a model the hospital brings instead of the committed v1.0.0, and
 * retrains it through the COMMAND runner with a command of that model's family. The model is a folder holding a card
 * (model-card.json, or card.json as the importers write it) and the ONNX file(s) it names, name@version for such a
 * folder under MODELS_DIR (<name>-<version>/, the layout of the committed model), or an nnU-Net v2 trained-model folder
 * (plans.json, dataset.json, fold_k/checkpoint_final.pth), which is imported first (the nnU-Net importer, into the
 * cohort cache: the scenario's data folder is wiped at start) and is then also the fine-tuning command's source.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export type Family = 'tumorwatch' | 'nnunet' | 'other';

export interface ProductionChoice {
  dir: string;
  name: string;
  version: string;
  family: Family;
  /** TRAINING_COMMAND's argv and the snapshot format it reads */
  command: string[];
  format: 'monai-datalist' | 'nnunet';
}

const CARD_FILES = ['model-card.json', 'card.json'];
const PRESETS = ['tiny', 'small', 'default'];

interface CardFacts {
  name?: string;
  version?: string;
  training?: { config?: { name?: unknown }; imported?: { format?: unknown } };
}

/** The project's trainer wrote it (a preset name), an nnU-Net importer did, or something else. */
export function familyOf(card: CardFacts): Family {
  if (card.training?.imported?.format === 'nnunet') return 'nnunet';
  return PRESETS.includes(String(card.training?.config?.name)) ? 'tumorwatch' : 'other';
}

/** Placeholders every family's command gets (lib/server/workflows/runners/command-template.ts). */
const CONTRACT = ['--snapshot', '{snapshot}', '--format', '{format}', '--out', '{out}', '--parent', '{parent}'];
const IDENTITY = ['--name', '{name}', '--version', '{version}', '--snapshot-id', '{snapshot_id}'];

/**
 * The fine-tuning command of the model's family: the project's trainer behind the contract
 * (training/runners/tumorwatch_command.py), or nnU-Net's network fine-tuned and re-imported
 * (training/runners/nnunet_finetune.py, which needs the trained-model folder the model was imported from: its plans
 * and dataset.json). Any other family needs --production-command.
 */
export function familyCommand(root: string, family: Family, nnunetSource: string | null): Pick<ProductionChoice, 'command' | 'format'> {
  const python = path.join(root, '.venv/bin/python');
  const budget = ['--epochs', '{epochs}', '--threads', '{threads}'];
  if (family === 'tumorwatch') {
    const script = path.join(root, 'training/runners/tumorwatch_command.py');
    return { command: [python, script, ...CONTRACT, ...IDENTITY, '--config', '{config}', ...budget], format: 'monai-datalist' };
  }
  if (family === 'nnunet') {
    if (!nnunetSource)
      throw new Error('--production is an nnU-Net model: --nnunet-source must name the trained-model folder it was imported from');
    const script = path.join(root, 'training/runners/nnunet_finetune.py');
    const source = ['--nnunet-model', path.resolve(root, nnunetSource)];
    return { command: [python, script, ...CONTRACT, ...IDENTITY, ...budget, ...source], format: 'nnunet' };
  }
  throw new Error('--production: no fine-tuning command is known for this model family; give one with --production-command');
}

function modelFolder(spec: string, root: string, modelsDir: string): string {
  const asDir = path.resolve(root, spec);
  if (fs.existsSync(asDir) && fs.statSync(asDir).isDirectory()) return asDir;
  const m = spec.match(/^([^@/\\]+)@([^@/\\]+)$/);
  if (!m) throw new Error(`--production ${spec}: neither a model folder nor name@version`);
  const dir = path.resolve(root, modelsDir, `${m[1]}-${m[2]}`);
  if (!fs.existsSync(dir)) throw new Error(`--production ${spec}: no folder ${path.relative(root, dir)}`);
  return dir;
}

function readCard(dir: string): CardFacts {
  for (const f of CARD_FILES)
    if (fs.existsSync(path.join(dir, f))) return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as CardFacts;
  throw new Error(`--production ${dir}: holds no model card (${CARD_FILES.join(' or ')})`);
}

const isNnunetFolder = (dir: string) => ['plans.json', 'dataset.json'].every((f) => fs.existsSync(path.join(dir, f)));

/** The nnU-Net importer's model folder for a trained-model folder, made once per source (keyed by its path). */
function importNnunet(source: string, root: string, cacheDir: string): string {
  const out = path.resolve(root, cacheDir, 'imported', source.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-120));
  if (fs.existsSync(path.join(out, 'model-card.json'))) return out;
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(path.join(root, '.venv/bin/python'), ['-m', 'tumorwatch_train.importers.nnunet', source, '--out', out], {
    cwd: root,
    env: { ...process.env, PYTHONPATH: path.join(root, 'training/src') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}

export function resolveProduction(
  spec: string,
  opts: { root: string; modelsDir: string; command: string | null; nnunetSource: string | null; cacheDir?: string },
): ProductionChoice {
  let dir = modelFolder(spec, opts.root, opts.modelsDir);
  if (isNnunetFolder(dir) && !CARD_FILES.some((f) => fs.existsSync(path.join(dir, f)))) {
    opts = { ...opts, nnunetSource: opts.nnunetSource ?? dir };
    dir = importNnunet(dir, opts.root, opts.cacheDir ?? 'data/scenario-cache');
  }
  const card = readCard(dir);
  if (!card.name || !card.version) throw new Error(`--production ${dir}: the card has no name or version`);
  const family = familyOf(card);
  let chosen: Pick<ProductionChoice, 'command' | 'format'>;
  if (opts.command) {
    const argv: unknown = JSON.parse(opts.command);
    if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string'))
      throw new Error('--production-command must be a JSON array of strings (the argv, with placeholders)');
    chosen = { command: argv as string[], format: family === 'nnunet' ? 'nnunet' : 'monai-datalist' };
  } else {
    chosen = familyCommand(opts.root, family, opts.nnunetSource);
  }
  return { dir, name: card.name, version: card.version, family, ...chosen };
}

let resolved: { key: string; choice: ProductionChoice } | null = null;

/** The scenario's --production choice (resolved once: the entry sets the environment from it, the set-up deploys it). */
export function productionOf(
  o: { production: string | null; productionCommand: string | null; nnunetSource: string | null; cacheDir: string },
  root: string,
  modelsDir = 'models',
): ProductionChoice | null {
  if (!o.production) return null;
  const key = JSON.stringify([o.production, o.productionCommand, o.nnunetSource, root]);
  const opts = { root, modelsDir, command: o.productionCommand, nnunetSource: o.nnunetSource, cacheDir: o.cacheDir };
  if (resolved?.key !== key) resolved = { key, choice: resolveProduction(o.production, opts) };
  return resolved.choice;
}

/** What the app needs to retrain it: the command runner's settings, and where a checkpoint beside the card is found. */
export function productionEnv(choice: ProductionChoice, root: string): Record<string, string> {
  return {
    TRAINING_COMMAND: JSON.stringify(choice.command),
    TRAINING_COMMAND_FORMAT: choice.format,
    TRAINING_COMMAND_CWD: root,
    // lib/server/workflows/parent.ts looks for MODELS_DIR/<name>-<version>/checkpoint.pt
    ...(path.basename(choice.dir) === `${choice.name}-${choice.version}` ? { MODELS_DIR: path.dirname(choice.dir) } : {}),
  };
}
