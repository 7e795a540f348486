import 'server-only';
import type { CurvePoint } from './curve';

/** What one stdout line of the trainer means for the run (training/src/tumorwatch_train/progress.py). */
export interface TrainerLine {
  /** Human-readable log line. */
  text: string;
  /** Training progress in [0, 1] (step / total steps), when the line reports it. */
  fraction?: number;
  /** The loss (and latest validation Dice) at this step, for the run's curves. */
  point?: CurvePoint & { totalSteps: number };
  done?: Record<string, unknown>;
  error?: string;
}

const num = (v: unknown, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–');

/** Lines that are not JSON events (a library printing to stdout) are kept verbatim in the log. */
export function parseTrainerLine(line: string): TrainerLine {
  let e: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { text: line };
    e = parsed as Record<string, unknown>;
  } catch {
    return { text: line };
  }
  switch (e.type) {
    case 'log':
      return { text: String(e.message ?? '') };
    case 'progress': {
      const step = Number(e.step);
      const total = Number(e.total_steps);
      const fraction = total > 0 && step >= 0 ? Math.min(1, step / total) : undefined;
      const dice = e.val_dice == null ? '' : ` val Dice ${num(e.val_dice, 3)}`;
      const eta = e.eta_s == null ? '' : ` eta ${Math.round(Number(e.eta_s))} s`;
      const text = `epoch ${e.epoch} step ${step}/${total} loss ${num(e.loss, 4)}${dice}${eta}`;
      const point = Number.isFinite(step) && step >= 0 && total > 0 ? curvePoint(e, step, total) : undefined;
      return { text, fraction, ...(point ? { point } : {}) };
    }
    case 'done':
      return { text: `done in ${num(e.durationS, 1)} s`, done: e };
    case 'error':
      return { text: `error: ${String(e.message ?? 'unknown error')}`, error: String(e.message ?? 'unknown error') };
    default:
      return { text: line };
  }
}

const finiteOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function curvePoint(e: Record<string, unknown>, step: number, totalSteps: number): CurvePoint & { totalSteps: number } {
  return { step, epoch: Number(e.epoch) || 0, loss: finiteOrNull(e.loss), valDice: finiteOrNull(e.val_dice), totalSteps };
}

/** Splits a byte stream into lines, holding back a partial last line until its newline arrives. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk.toString();
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) onLine(l.replace(/\r$/, ''));
    },
    end() {
      if (rest.trim()) onLine(rest);
      rest = '';
    },
  };
}
