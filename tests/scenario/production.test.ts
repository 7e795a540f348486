import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenarioArgs } from '../../scripts/scenario/options';
import { productionEnv, resolveProduction } from '../../scripts/scenario/production';
import { parseCommandTemplate } from '@/lib/server/workflows/runners/command-template';

const root = path.resolve(__dirname, '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-scenario-production-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A folder as the nnU-Net importer writes it: card.json naming its folds (only the fields the scenario reads). */
function nnunetDir(): string {
  const dir = path.join(tmp, 'imported');
  fs.mkdirSync(dir, { recursive: true });
  const card = { name: 'nnunet-dataset501', version: '1.0.0', training: { imported: { format: 'nnunet' } } };
  fs.writeFileSync(path.join(dir, 'card.json'), JSON.stringify(card));
  return dir;
}
const opts = (extra: Partial<Parameters<typeof resolveProduction>[1]> = {}) => ({
  root,
  modelsDir: 'models',
  command: null,
  nnunetSource: null,
  ...extra,
});

describe('scenario --production', () => {
  it('takes name@version as the folder under MODELS_DIR and retrains the trainer family through its contract command', () => {
    const p = resolveProduction('tumorwatch-seg@1.0.0', opts());
    expect(p).toMatchObject({ dir: path.join(root, 'models/tumorwatch-seg-1.0.0'), family: 'tumorwatch', format: 'monai-datalist' });
    expect(p.command.slice(1, 2)).toEqual([path.join(root, 'training/runners/tumorwatch_command.py')]);
    expect(parseCommandTemplate(JSON.stringify(p.command))).toEqual(p.command); // a valid TRAINING_COMMAND
    expect(productionEnv(p, root)).toMatchObject({ TRAINING_COMMAND_FORMAT: 'monai-datalist', MODELS_DIR: path.join(root, 'models') });
  });

  it('an imported nnU-Net model is fine-tuned by the nnU-Net command, which needs the folder it was imported from', () => {
    expect(() => resolveProduction(nnunetDir(), opts())).toThrow(/--nnunet-source must name the trained-model folder/);
    const p = resolveProduction(nnunetDir(), opts({ nnunetSource: '/data/nnUNet_results/Dataset501' }));
    expect(p).toMatchObject({ name: 'nnunet-dataset501', family: 'nnunet', format: 'nnunet' });
    expect(p.command).toEqual(
      expect.arrayContaining([path.join(root, 'training/runners/nnunet_finetune.py'), '/data/nnUNet_results/Dataset501']),
    );
    expect(parseCommandTemplate(JSON.stringify(p.command))).toEqual(p.command);
    expect(productionEnv(p, root).MODELS_DIR).toBeUndefined(); // not named <name>-<version>: no checkpoint looked up beside it
  });

  it('an nnU-Net trained-model folder is imported first (into the cache) and is the fine-tuning command’s source', () => {
    const made = JSON.parse(
      execFileSync(
        path.join(root, '.venv/bin/python'),
        [path.join(root, 'tests/workflows/fixtures/nnunet-parent.py'), tmp, '--no-import'],
        {
          encoding: 'utf8',
        },
      )
        .trim()
        .split('\n')
        .pop()!,
    );
    const p = resolveProduction(made.source, opts({ cacheDir: path.join(tmp, 'cache') }));
    expect(p).toMatchObject({ name: 'nnunet-dataset999-tiny', version: '1.0.0', family: 'nnunet', format: 'nnunet' });
    expect(p.dir.startsWith(path.join(tmp, 'cache', 'imported'))).toBe(true);
    expect(fs.readdirSync(p.dir).sort()).toEqual(['fold_0.onnx', 'fold_1.onnx', 'model-card.json']);
    expect(p.command.slice(-2)).toEqual(['--nnunet-model', made.source]);
    expect(resolveProduction(made.source, opts({ cacheDir: path.join(tmp, 'cache') })).dir).toBe(p.dir); // imported once
  }, 120_000);

  it('any other family needs its command; a given command replaces the family default', () => {
    const dir = path.join(tmp, 'other');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'model-card.json'), JSON.stringify({ name: 'x', version: '2.0.0', training: {} }));
    expect(() => resolveProduction(dir, opts())).toThrow(/give one with --production-command/);
    expect(resolveProduction(dir, opts({ command: '["/opt/train", "{snapshot}", "{out}"]' })).command).toEqual([
      '/opt/train',
      '{snapshot}',
      '{out}',
    ]);
  });

  it('refuses what is neither a model folder nor name@version, and a folder without a card', () => {
    expect(() => resolveProduction('no-such-model', opts())).toThrow('--production no-such-model: neither a model folder nor name@version');
    expect(() => resolveProduction('tumorwatch-seg@9.9.9', opts())).toThrow('no folder models/tumorwatch-seg-9.9.9');
    expect(() => resolveProduction(tmp, opts())).toThrow(/holds no model card/);
  });

  it('the options: --production excludes --model-dir; its companions need it', () => {
    expect(parseScenarioArgs(['--small', '--production', 'a@1.0.0']).production).toBe('a@1.0.0');
    expect(() => parseScenarioArgs(['--production', 'a@1', '--model-dir', 'm'])).toThrow(/give one/);
    expect(() => parseScenarioArgs(['--nnunet-source', 'x'])).toThrow(/go with --production/);
  });
});
