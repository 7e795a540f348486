'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import {
  promoteToCanaryAction, promoteToProductionAction, promoteToShadowAction, rejectModelAction, requestEvaluationAction, rollbackCanaryAction, rollbackProductionAction,
} from '@/lib/actions/models';
import type { ActionResult } from '@/lib/action-result';

type Step = 'shadow' | 'canary' | 'production' | 'reject' | 'rollback';

const TITLES: Record<Step | 'canary-rollback' | 'evaluate', string> = {
  evaluate: 'Evaluate again',
  shadow: 'Start shadow deployment',
  canary: 'Start canary deployment',
  production: 'Promote to production (signed)',
  reject: 'Reject',
  rollback: 'Roll back production',
  'canary-rollback': 'Roll back canary',
};

const field = 'rounded border border-slate-300 px-2 py-1';

/**
 * The promotion controls an ML engineer sees for the model's stage. The server re-checks every rule (role, stage,
 * passing evaluation, password); these forms only collect the reason, the traffic share and the signature.
 */
export function PromotionPanel({ modelVersionId, stage, steps: allowed, canary }: {
  modelVersionId: string; stage: string; steps: readonly string[];
  /** the running canary's cases and the cases its rollback rule needs (the production step asks to confirm a short one) */
  canary?: { cases: number; minCases: number };
}) {
  const steps = allowed.filter((s): s is Step => s in TITLES);
  const router = useRouter();
  const [open, setOpen] = useState<keyof typeof TITLES | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const available: (keyof typeof TITLES)[] = [
    ...(['CANDIDATE', 'SHADOW', 'CANARY'].includes(stage) ? (['evaluate'] as const) : []),
    ...steps.filter((s) => s !== 'reject'),
    ...(stage === 'CANARY' ? (['canary-rollback'] as const) : []),
    ...(steps.includes('reject') ? (['reject'] as const) : []),
  ];

  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget).entries()) as Record<string, string>;
    const base = { modelVersionId, reason: f.reason ?? '' };
    const calls: Record<keyof typeof TITLES, () => Promise<ActionResult<unknown>>> = {
      evaluate: () => requestEvaluationAction({ modelVersionId }),
      shadow: () => promoteToShadowAction(base),
      canary: () => promoteToCanaryAction({ ...base, trafficPercent: Number(f.trafficPercent) }),
      production: () => promoteToProductionAction({ ...base, password: f.password ?? '', confirmShortCanary: f.confirmShortCanary === 'on' }),
      reject: () => rejectModelAction(base),
      rollback: () => rollbackProductionAction(base),
      'canary-rollback': () => rollbackCanaryAction(base),
    };
    setPending(true);
    setError(null);
    const r = await calls[open!]();
    setPending(false);
    if (!r.ok) return setError(r.error.message + (r.error.fieldErrors ? ` (${Object.entries(r.error.fieldErrors).map(([k, v]) => `${k}: ${v.join(', ')}`).join('; ')})` : ''));
    setDone(`${TITLES[open!]}: done.`);
    setOpen(null);
    router.refresh();
  }

  if (available.length === 0) return <p className="text-sm text-slate-500">No promotion step applies to a {stage} model.</p>;
  return (
    <section aria-label="Promotion" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap gap-2">
        {available.map((s) => (
          <button key={s} type="button" onClick={() => { setOpen(s); setError(null); setDone(null); }}
            className={`rounded px-3 py-1.5 text-sm ${s === 'reject' || s.includes('rollback') ? 'border border-red-300 text-red-800 hover:bg-red-50' : 'bg-slate-800 text-white hover:bg-slate-700'}`}>
            {TITLES[s]}
          </button>
        ))}
      </div>
      {done && <p role="status" className="text-sm text-emerald-700">{done}</p>}
      {open && (
        <form onSubmit={submit} aria-label={TITLES[open]} className="grid max-w-xl gap-3 text-sm">
          <h3 className="font-medium">{TITLES[open]}</h3>
          {open === 'canary' && (
            <label className="flex flex-col gap-1">Traffic share (% of new cases the canary answers)
              <input name="trafficPercent" type="number" min={1} max={50} defaultValue={10} required className={field} />
            </label>
          )}
          {open !== 'evaluate' && (
            <label className="flex flex-col gap-1">Reason (kept in the audit trail)
              <textarea name="reason" required minLength={3} rows={2} className={field} />
            </label>
          )}
          {open === 'production' && canary && canary.cases < canary.minCases && (
            <label className="flex items-start gap-2 rounded border border-amber-300 bg-amber-50 p-2 text-amber-900">
              <input name="confirmShortCanary" type="checkbox" className="mt-0.5" />
              <span>Short canary: it has answered {canary.cases} of the {canary.minCases} cases its automatic rollback rule needs. Promote anyway (recorded in the signed evidence).</span>
            </label>
          )}
          {open === 'production' && (
            <label className="flex flex-col gap-1">Your password (signs the approval)
              <input name="password" type="password" autoComplete="current-password" required className={field} />
            </label>
          )}
          <div className="flex items-center gap-2">
            <button type="submit" disabled={pending} className="rounded bg-blue-700 px-3 py-1.5 text-white disabled:opacity-50">{pending ? 'Working…' : 'Confirm'}</button>
            <button type="button" onClick={() => setOpen(null)} className="rounded border border-slate-300 px-3 py-1.5">Cancel</button>
          </div>
          {error && <p role="alert" className="text-red-700">{error}</p>}
        </form>
      )}
    </section>
  );
}
