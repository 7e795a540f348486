'use client';

export interface FillLimitProps {
  limitMl: number;
  onChange(ml: number): void;
}

/** The fill guard's size limit: a fill that would change more asks first. */
export function FillLimit({ limitMl, onChange }: FillLimitProps) {
  return (
    <label className="flex items-center gap-1 text-xs text-slate-600">
      Ask before a fill changes more than
      <input
        type="number"
        min={0}
        step={0.5}
        aria-label="Fill limit (mL)"
        className="w-20 rounded border border-slate-300 px-1 py-0.5"
        value={limitMl}
        onChange={(e) => onChange(Number.parseFloat(e.target.value))}
      />
      mL
    </label>
  );
}
