'use client';
import { MOUSE_GESTURES } from '@/lib/editor/shortcuts';
import { WindowLevelInputs } from '@/components/viewer/WindowLevelInputs';
import { MODALITIES, MODALITY_NAMES, type Modality, type ViewSettings } from './settings';

const LAYOUTS: { key: ViewSettings['layout']; text: string }[] = [
  { key: 'multi', text: '3 views' },
  { key: 'multi3d', text: '3 views + 3D' },
  { key: 'axial', text: 'Axial' },
  { key: 'coronal', text: 'Coronal' },
  { key: 'sagittal', text: 'Sagittal' },
  { key: 'render', text: '3D' },
];

export interface ViewPanelProps {
  layout: ViewSettings['layout'];
  onLayout(layout: ViewSettings['layout']): void;
  modality: Modality;
  available: string[];
  loaded: string[];
  window: [number, number] | null;
  opacity: number;
  onModality(m: Modality): void;
  onWindow(w: [number, number]): void;
  onAutoWindow(): void;
  onOpacity(o: number): void;
}

/** Layout, modality switcher, window/level of the shown modality, and mask overlay opacity. */
export function ViewPanel(p: ViewPanelProps) {
  return (
    <div className="flex flex-col gap-2 text-sm">
      <div className="flex flex-wrap gap-1" role="radiogroup" aria-label="Layout">
        {LAYOUTS.map((l) => (
          <button
            key={l.key}
            type="button"
            role="radio"
            aria-checked={p.layout === l.key}
            onClick={() => p.onLayout(l.key)}
            className={`rounded border px-2 py-1 ${p.layout === l.key ? 'border-slate-900 bg-slate-900 text-white' : 'border-slate-300 bg-white'}`}
          >
            {l.text}
          </button>
        ))}
      </div>
      <div className="flex flex-wrap gap-1" role="radiogroup" aria-label="Modality">
        {MODALITIES.filter((m) => p.available.includes(m)).map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={p.modality === m}
            className={`rounded border px-2 py-1 ${p.modality === m ? 'border-slate-900 bg-slate-900 text-white' : 'border-slate-300 bg-white'}`}
            title={`${MODALITY_NAMES[m]} (M cycles)`}
            onClick={() => p.onModality(m)}
          >
            {m}
            {p.modality === m && !p.loaded.includes(m) ? '…' : ''}
          </button>
        ))}
      </div>
      <WindowLevelInputs range={p.window ?? [0, 0]} onChange={(lo, hi) => p.onWindow([lo, hi])} onAuto={p.onAutoWindow} />
      <label className="flex items-center gap-2">
        Mask opacity
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={p.opacity}
          aria-label="Mask opacity"
          onChange={(e) => p.onOpacity(Number(e.target.value))}
        />
        <span className="w-10 tabular-nums">{Math.round(p.opacity * 100)}%</span>
      </label>
      <p className="text-xs text-slate-500">
        {MOUSE_GESTURES.map((g) => `${g.keys}: ${g.description.toLowerCase()}`).join(' · ')} · ? lists every shortcut.
      </p>
    </div>
  );
}
