'use client';
import type { Axis } from '@/lib/editor/types';
import { shortcutFor } from '@/lib/editor/shortcuts';
import type { ViewState } from '@/components/viewer/view-navigation';

const AXES: { axis: Axis; name: string }[] = [
  { axis: 2, name: 'Axial' },
  { axis: 1, name: 'Coronal' },
  { axis: 0, name: 'Sagittal' },
];

export interface NavigationBarProps {
  state: ViewState | null;
  onZoom(delta: 1 | -1): void;
  onFit(): void;
  onSlice(axis: Axis, index: number): void;
}

const btn = 'rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-100 disabled:opacity-40';

/** Zoom buttons and one slice slider per view, showing the slice index (1-based, of the count) as radiologists read it. */
export function NavigationBar({ state, onZoom, onFit, onSlice }: NavigationBarProps) {
  const zoomKey = (d: 1 | -1) => shortcutFor((c) => c.kind === 'zoom' && c.delta === d);
  return (
    <div
      className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded border border-slate-200 bg-white p-2 text-sm"
      aria-label="View navigation"
    >
      <div className="flex items-center gap-1">
        <button type="button" className={btn} disabled={!state} onClick={() => onZoom(-1)} title={`Zoom out (${zoomKey(-1)}, Ctrl+wheel)`}>
          −
        </button>
        <span className="w-14 text-center tabular-nums" data-testid="zoom-level">
          {state ? `${Math.round(state.zoom * 100)}%` : '–'}
        </span>
        <button type="button" className={btn} disabled={!state} onClick={() => onZoom(1)} title={`Zoom in (${zoomKey(1)}, Ctrl+wheel)`}>
          +
        </button>
        <button
          type="button"
          className={btn}
          disabled={!state}
          onClick={onFit}
          title={`Fit the image to the views (${shortcutFor((c) => c.kind === 'fit')})`}
        >
          Fit
        </button>
      </div>
      {AXES.map(({ axis, name }) => (
        <label key={axis} className="flex items-center gap-1">
          {name}
          <input
            type="range"
            min={0}
            max={state ? state.dims[axis] - 1 : 0}
            value={state?.slices[axis] ?? 0}
            disabled={!state}
            aria-label={`${name} slice`}
            className="w-28"
            onChange={(e) => onSlice(axis, Number(e.target.value))}
          />
          <span className="w-16 tabular-nums text-xs" data-testid={`slice-${name.toLowerCase()}`}>
            {state ? `${state.slices[axis] + 1} / ${state.dims[axis]}` : '–'}
          </span>
        </label>
      ))}
    </div>
  );
}
