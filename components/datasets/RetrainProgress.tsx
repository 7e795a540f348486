import { ProgressBar } from '@/components/runs/ProgressBar';

/** Approved drifter/flagged cases waiting for the next retraining, against the trigger threshold N. */
export function RetrainProgress({ pending, n }: { pending: number; n: number }) {
  return (
    <section aria-label="Retraining trigger" className="mb-8 max-w-3xl rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-lg font-semibold">Next retraining</h2>
      <p className="mb-2 text-sm text-slate-600">
        Approved drifter or flagged cases not yet in a dataset. At N, they are split between the training set and the drifter hold-out, a
        snapshot is taken and a training run starts from the production model.
      </p>
      <p className="mb-2 text-2xl font-semibold tabular-nums" data-testid="retrain-progress">
        {pending} / {n}
      </p>
      <ProgressBar value={n > 0 ? pending / n : 0} label="Cases toward retraining" />
    </section>
  );
}
