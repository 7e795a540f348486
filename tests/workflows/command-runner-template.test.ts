import { describe, expect, it } from 'vitest';
import { expandCommand, parseCommandTemplate, type PlaceholderValues } from '@/lib/server/workflows/runners/command-template';
import { parseEnv } from '@/lib/server/env';

const VALUES: PlaceholderValues = {
  snapshot: '/runs/r1/snapshot',
  format: 'nnunet',
  out: '/runs/r1/out',
  name: 'nnunet-brats',
  version: '1.1.0-run.r1',
  snapshot_id: 's1',
  run_id: 'r1',
  config: 'default',
  parent: null,
  epochs: '3',
  seed: null,
};

describe('COMMAND runner argv template', () => {
  it('replaces placeholders inside arguments, one argv entry each: nothing is parsed by a shell', () => {
    const t = parseCommandTemplate(
      JSON.stringify(['train', '--data={snapshot}', '{out}', '--tag', 'v{version}; rm -rf /', '--epochs', '{epochs}']),
    );
    expect(expandCommand(t, { ...VALUES, version: '$(reboot)' })).toEqual([
      'train',
      '--data=/runs/r1/snapshot',
      '/runs/r1/out',
      '--tag',
      'v$(reboot); rm -rf /',
      '--epochs',
      '3',
    ]);
  });

  it('drops an optional placeholder without a value together with the flag before it', () => {
    const t = parseCommandTemplate(JSON.stringify(['train', '--parent', '{parent}', '--seed', '{seed}', '--out', '{out}', '{parent}']));
    expect(expandCommand(t, VALUES)).toEqual(['train', '--out', '/runs/r1/out']);
    expect(expandCommand(t, { ...VALUES, parent: '/p', seed: '7' })).toEqual([
      'train',
      '--parent',
      '/p',
      '--seed',
      '7',
      '--out',
      '/runs/r1/out',
      '/p',
    ]);
  });

  it('refuses an optional placeholder without a value inside a longer argument, naming it', () => {
    const t = parseCommandTemplate(JSON.stringify(['train', '--parent={parent}', '{out}']));
    expect(() => expandCommand(t, VALUES)).toThrow(
      'TRAINING_COMMAND argument "--parent={parent}" needs {parent}, which this run does not have.',
    );
  });

  it('refuses a template that is not a JSON argv, has an unknown placeholder, or never passes {out}', () => {
    expect(() => parseCommandTemplate('python train.py {out}')).toThrow('TRAINING_COMMAND is not JSON');
    expect(() => parseCommandTemplate('["", "{out}"]')).toThrow('whose first entry is the program');
    expect(() => parseCommandTemplate('["train", "{snapshots}", "{out}"]')).toThrow('unknown placeholder {snapshots}');
    expect(() => parseCommandTemplate('["train", "{snapshot}"]')).toThrow('never passes {out}');
  });

  it('the environment refuses a TRAINING_COMMAND that is not a JSON array, and an unknown snapshot format', () => {
    expect(() => parseEnv({ TRAINING_COMMAND: 'python train.py' })).toThrow(/TRAINING_COMMAND: must be a JSON array of strings/);
    expect(() => parseEnv({ TRAINING_COMMAND_FORMAT: 'decathlon' })).toThrow(/TRAINING_COMMAND_FORMAT/);
    expect(parseEnv({ TRAINING_COMMAND: '["t", "{out}"]' })).toMatchObject({
      TRAINING_COMMAND_FORMAT: 'monai-datalist',
      TRAINING_COMMAND_TIMEOUT_MIN: 720,
    });
  });
});
