import 'server-only';
import { z } from 'zod';
import { db, type Db, type Tx } from '../db';

/**
 * Retraining policy, one Setting row per key so an administrator can change one without rewriting the others.
 * A missing row means the default; an invalid stored value is an error, never silently replaced by the default.
 */
export const RETRAIN_SETTINGS = {
  n: { key: 'retrain.n', schema: z.number().int().min(1).max(100_000), default: 50 },
  holdoutFraction: { key: 'retrain.holdoutFraction', schema: z.number().min(0).max(0.9), default: 0.2 },
  seed: { key: 'retrain.seed', schema: z.string().min(1).max(100), default: 'tumorwatch' },
  /** Trainer preset for triggered runs; null: the parent model's preset (fine-tuning keeps its network). */
  config: { key: 'retrain.config', schema: z.enum(['tiny', 'small', 'default']).nullable(), default: null },
  epochs: { key: 'retrain.epochs', schema: z.number().int().min(1).max(1000).nullable(), default: null },
  runner: { key: 'retrain.runner', schema: z.enum(['LOCAL', 'GITHUB_ACTIONS', 'COMMAND']), default: 'LOCAL' },
} as const;

type Spec = typeof RETRAIN_SETTINGS;
export type RetrainSettings = { [K in keyof Spec]: z.infer<Spec[K]['schema']> };

export async function getRetrainSettings(client: Db | Tx = db()): Promise<RetrainSettings> {
  const specs = Object.entries(RETRAIN_SETTINGS) as [keyof Spec, Spec[keyof Spec]][];
  const rows = await client.setting.findMany({ where: { key: { in: specs.map(([, s]) => s.key) } } });
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  const out: Record<string, unknown> = {};
  for (const [name, spec] of specs) {
    if (!stored.has(spec.key)) {
      out[name] = spec.default;
      continue;
    }
    const parsed = (spec.schema as z.ZodType).safeParse(stored.get(spec.key));
    if (!parsed.success) throw new Error(`Setting ${spec.key} is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    out[name] = parsed.data;
  }
  return out as RetrainSettings;
}
