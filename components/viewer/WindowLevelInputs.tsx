'use client';

/**
 * Window/level of the shown modality as level (centre) and width, in the volume's calibrated units, with an "Auto"
 * button (the robust range). Shared by the case viewer and the mask editor.
 */
export function WindowLevelInputs({
  range: [lo, hi],
  onChange,
  onAuto,
}: {
  range: [number, number];
  onChange(lo: number, hi: number): void;
  onAuto(): void;
}) {
  const level = (lo + hi) / 2;
  const width = hi - lo;
  return (
    <div className="flex items-center gap-2">
      <label className="flex items-center gap-1">
        Level
        <input
          type="number"
          aria-label="Window level"
          className="w-20 rounded border border-slate-300 px-1"
          value={Math.round(level)}
          onChange={(e) => onChange(Number(e.target.value) - width / 2, Number(e.target.value) + width / 2)}
        />
      </label>
      <label className="flex items-center gap-1">
        Width
        <input
          type="number"
          min={1}
          aria-label="Window width"
          className="w-20 rounded border border-slate-300 px-1"
          value={Math.round(width)}
          onChange={(e) => onChange(level - Math.max(1, Number(e.target.value)) / 2, level + Math.max(1, Number(e.target.value)) / 2)}
        />
      </label>
      <button type="button" className="rounded border border-slate-300 px-2 py-0.5" onClick={onAuto}>
        Auto
      </button>
    </div>
  );
}
