'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { saveCriteriaAction } from '@/lib/actions/criteria';
import { REGRESSION_METRICS, type CriteriaConfig } from '@/lib/schemas/criteria';

type Field = { path: string; label: string; step?: number };

const REGIONS = ['WT', 'TC', 'ET'] as const;
const NUMBERS: { group: string; fields: Field[] }[] = [
  {
    group: 'Minimums on every locked hold-out set',
    fields: REGIONS.flatMap((g) => [
      { path: `minimums.${g}.dice`, label: `${g} mean Dice ≥` },
      { path: `minimums.${g}.lwDice`, label: `${g} mean lesion-wise Dice ≥` },
      { path: `minimums.${g}.lesionF1`, label: `${g} pooled lesion F1 ≥` },
    ]),
  },
  {
    group: 'Against production',
    fields: [
      { path: 'regression.margin', label: 'Non-inferiority margin (CI lower bound > −margin)' },
      { path: 'regression.confidence', label: 'CI confidence level' },
      { path: 'drifter.minMeanImprovement', label: 'Drifter hold-out: mean Dice improvement >' },
      { path: 'problematic.maxDiceDrop', label: 'Problematic cases: largest allowed Dice drop' },
      { path: 'holdouts.minEvaluatedSets', label: 'Locked hold-out sets that must be evaluated', step: 1 },
    ],
  },
  {
    group: 'Bootstrap, shadow and canary',
    fields: [
      { path: 'bootstrap.resamples', label: 'Bootstrap resamples', step: 1 },
      { path: 'bootstrap.seed', label: 'Bootstrap seed', step: 1 },
      { path: 'shadow.disagreementDice', label: 'Shadow: list cases with agreement Dice below' },
      { path: 'canary.minCases', label: 'Canary: cases before the rates are compared', step: 1 },
      { path: 'canary.flagRateMargin', label: 'Canary: roll back when flag rate exceeds production by' },
      { path: 'canary.driftRateMargin', label: 'Canary: roll back when drifter rate exceeds production by' },
    ],
  },
];

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], obj);
}

function set<T>(obj: T, path: string, value: unknown): T {
  const copy = structuredClone(obj);
  const keys = path.split('.');
  const last = keys.pop()!;
  (keys.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], copy) as Record<string, unknown>)[last] = value;
  return copy;
}

const input = 'w-28 rounded border border-slate-300 px-2 py-1 tabular-nums';

/** Edits the acceptance criteria; saving inserts a new version (the server validates with the same schema). */
export function CriteriaForm({ version, initial }: { version: number; initial: CriteriaConfig }) {
  const router = useRouter();
  const [config, setConfig] = useState(initial);
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string; fields?: Record<string, string[]> } | null>(null);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    const r = await saveCriteriaAction({ config, reason });
    setPending(false);
    if (r.ok) {
      setMessage({ ok: true, text: `Saved as version ${r.data.version}.` });
      setReason('');
      router.refresh();
    } else setMessage({ ok: false, text: r.error.message, fields: r.error.fieldErrors });
  }

  const onEmpty = (path: string) => (
    <select
      value={String(get(config, path))}
      onChange={(e) => setConfig(set(config, path, e.target.value))}
      className="rounded border border-slate-300 px-2 py-1"
    >
      <option value="pass">counts as pass</option>
      <option value="fail">counts as fail</option>
    </select>
  );
  return (
    <form
      onSubmit={onSubmit}
      aria-label="Acceptance criteria"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 text-sm"
    >
      <p className="text-slate-600">
        Current version: v{version}. Saving creates v{version + 1}; evaluations keep the version they used.
      </p>
      {NUMBERS.map((g) => (
        <fieldset key={g.group} className="grid gap-2 md:grid-cols-3">
          <legend className="mb-1 font-medium">{g.group}</legend>
          {g.fields.map((f) => (
            <label key={f.path} className="flex items-center justify-between gap-2">
              <span>{f.label}</span>
              <input
                type="number"
                step={f.step ?? 0.001}
                className={input}
                value={String(get(config, f.path))}
                onChange={(e) => setConfig(set(config, f.path, e.target.value === '' ? NaN : Number(e.target.value)))}
              />
            </label>
          ))}
        </fieldset>
      ))}
      <fieldset className="grid gap-2 md:grid-cols-3">
        <legend className="mb-1 font-medium">Rules</legend>
        <div className="flex items-center gap-2">
          Regression metrics:
          {REGRESSION_METRICS.map((m) => (
            <label key={m} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={config.regression.metrics.includes(m)}
                onChange={(e) =>
                  setConfig(
                    set(
                      config,
                      'regression.metrics',
                      e.target.checked ? [...config.regression.metrics, m] : config.regression.metrics.filter((x) => x !== m),
                    ),
                  )
                }
              />
              {m}
            </label>
          ))}
        </div>
        <label className="flex items-center gap-2">
          Drifter regions
          {REGIONS.map((g) => (
            <span key={g} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={config.drifter.regions.includes(g)}
                onChange={(e) =>
                  setConfig(
                    set(
                      config,
                      'drifter.regions',
                      e.target.checked ? [...config.drifter.regions, g] : config.drifter.regions.filter((x) => x !== g),
                    ),
                  )
                }
              />
              {g}
            </span>
          ))}
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={config.drifter.requireCiAboveZero}
            onChange={(e) => setConfig(set(config, 'drifter.requireCiAboveZero', e.target.checked))}
          />
          Drifter improvement must have its CI above 0
        </label>
        <label className="flex items-center gap-2">Empty drifter hold-out {onEmpty('drifter.onEmpty')}</label>
        <label className="flex items-center gap-2">No problematic case {onEmpty('problematic.onEmpty')}</label>
      </fieldset>
      <label className="flex flex-col gap-1">
        Reason for the change
        <input
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
          minLength={3}
          className="rounded border border-slate-300 px-2 py-1"
        />
      </label>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className="rounded bg-slate-800 px-3 py-1.5 text-white disabled:opacity-50">
          {pending ? 'Saving…' : 'Save new version'}
        </button>
        {message && (
          <span role={message.ok ? 'status' : 'alert'} className={message.ok ? 'text-emerald-700' : 'text-red-700'}>
            {message.text}
            {message.fields
              ? ` ${Object.entries(message.fields)
                  .map(([k, v]) => `${k}: ${v.join(', ')}`)
                  .join('; ')}`
              : ''}
          </span>
        )}
      </div>
    </form>
  );
}
