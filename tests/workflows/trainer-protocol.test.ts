import { describe, expect, it } from 'vitest';
import { lineSplitter, parseTrainerLine } from '@/lib/server/workflows/trainer-events';
import { trainerArgs, versionForRun, type TrainingParams } from '@/lib/server/workflows/params';

describe('trainer JSON-lines protocol', () => {
  it('turns progress events into a fraction and a readable line', () => {
    const e = parseTrainerLine(
      '{"type": "progress", "epoch": 2, "step": 30, "total_steps": 120, "loss": 0.51234, "val_dice": 0.8123, "eta_s": 42.4}',
    );
    expect(e).toEqual({
      text: 'epoch 2 step 30/120 loss 0.5123 val Dice 0.812 eta 42 s',
      fraction: 0.25,
      point: { step: 30, epoch: 2, loss: 0.51234, valDice: 0.8123, totalSteps: 120 },
    });
  });

  it('keeps log messages, recognises done and error, and passes anything else through verbatim', () => {
    expect(parseTrainerLine('{"type": "log", "message": "prepared 3/3 train cases"}')).toEqual({ text: 'prepared 3/3 train cases' });
    expect(parseTrainerLine('{"type": "done", "durationS": 28.04}')).toMatchObject({ text: 'done in 28.0 s', done: { durationS: 28.04 } });
    expect(parseTrainerLine('{"type": "error", "message": "ValueError: manifest has no TRAIN cases"}')).toMatchObject({
      error: 'ValueError: manifest has no TRAIN cases',
    });
    expect(parseTrainerLine('[torch.onnx] Translate the graph into ONNX...')).toEqual({
      text: '[torch.onnx] Translate the graph into ONNX...',
    });
    expect(parseTrainerLine('[1, 2]')).toEqual({ text: '[1, 2]' });
  });

  it('reassembles lines split across chunks and flushes a last line without newline', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('{"type": "lo');
    s.push('g", "message": "a"}\n{"type"');
    s.push(': "log", "message": "b"}\r\n\npartial');
    s.end();
    expect(lines).toEqual(['{"type": "log", "message": "a"}', '{"type": "log", "message": "b"}', 'partial']);
  });
});

describe('run parameters', () => {
  it('names the model version after the parent and the run', () => {
    expect(versionForRun('cmABC123', '1.0.0')).toBe('1.1.0-run.cmabc123');
    expect(versionForRun('x', '0.3.0-run.y')).toBe('0.4.0-run.x');
    expect(versionForRun('x', null)).toBe('0.1.0-run.x');
  });

  it('builds the same trainer command for every runner', () => {
    const p: TrainingParams = {
      input: { config: 'tiny', epochs: 3, stepsPerEpoch: null, seed: 7, init: 'parent', trigger: 'AUTO' },
      resolved: { name: 'tumorwatch-seg', version: '1.1.0-run.r1', parentCheckpoint: { sha256: 'a'.repeat(64), cardSha256: null } },
    };
    expect(trainerArgs(p)).toEqual([
      'train',
      '--manifest',
      'manifest.json',
      '--out',
      'out',
      '--config',
      'tiny',
      '--name',
      'tumorwatch-seg',
      '--version',
      '1.1.0-run.r1',
      '--init-from',
      'parent',
      '--epochs',
      '3',
      '--seed',
      '7',
    ]);
    expect(() => trainerArgs({ input: p.input })).toThrow(/not resolved/);
  });
});
