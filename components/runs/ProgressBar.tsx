export function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="flex items-center gap-3">
      <div
        className="h-3 w-full rounded bg-slate-200"
        role="progressbar"
        aria-label={label}
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div className="h-3 rounded bg-blue-600 transition-[width] duration-500" style={{ width: `${pct}%` }} />
      </div>
      <span className="w-12 text-right text-sm tabular-nums text-slate-600">{pct}%</span>
    </div>
  );
}
