import { MONITORING_SPLITS, MONITORING_SPLIT_LABELS } from '@/lib/monitoring-splits';

/** Window and split choice as a plain GET form: works without JavaScript and keeps the view in the URL. */
export function MonitoringControls({ window, split }: { window: string; split: string }) {
  const select = 'rounded border border-slate-300 bg-white px-2 py-1';
  return (
    <form method="get" className="mb-6 flex flex-wrap items-end gap-3 text-sm" aria-label="Monitoring view">
      <label>
        <span className="block text-xs text-slate-500">Window</span>
        <select name="window" defaultValue={window} className={select}>
          <option value="cases">every N cases</option>
          <option value="day">day</option>
          <option value="week">week</option>
        </select>
      </label>
      <label>
        <span className="block text-xs text-slate-500">Split by</span>
        <select name="split" defaultValue={split} className={select}>
          {MONITORING_SPLITS.map((s) => (
            <option key={s} value={s}>
              {MONITORING_SPLIT_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="rounded bg-slate-800 px-3 py-1 text-white">
        Show
      </button>
    </form>
  );
}
