'use client';
import { shortcutFor, type ToolName } from '@/lib/editor/shortcuts';
import type { SessionSnapshot } from '@/lib/editor/session';
import { MODALITIES, MODALITY_NAMES, PROTECTIONS, protectionKey, SIZE_STEPS, type Modality, type ToolSettings } from './settings';
import { Options } from '@/components/ui/Options';

const TOOLS: { tool: ToolName; text: string }[] = [
  { tool: 'navigate', text: 'Navigate' },
  { tool: 'brush', text: 'Brush' },
  { tool: 'eraser', text: 'Eraser' },
  { tool: 'fill', text: 'Fill' },
];

const key = (kind: string, extra?: (c: Record<string, unknown>) => boolean) =>
  shortcutFor((c) => c.kind === kind && (!extra || extra(c as unknown as Record<string, unknown>)));

export interface ToolbarProps {
  settings: ToolSettings;
  onChange(patch: Partial<ToolSettings>): void;
  snapshot: SessionSnapshot | null;
  disabled: boolean;
  /** modalities the case has (threshold painting may use any; it is decoded on first use) */
  modalities: string[];
  onUndo(): void;
  onRedo(): void;
  onInterpolate(): void;
  onRemoveIslands(): void;
  onSuggestThreshold(): void;
}

const btn = 'rounded border px-2 py-1 text-sm disabled:opacity-40';
const on = 'border-slate-900 bg-slate-900 text-white';
const off = 'border-slate-300 bg-white hover:bg-slate-100';

export function Toolbar(p: ToolbarProps) {
  const s = p.settings;
  const t = s.threshold;
  return (
    <div className="flex flex-col gap-2 rounded border border-slate-200 bg-white p-2 text-sm" role="toolbar" aria-label="Editing tools">
      <div className="flex flex-wrap items-center gap-1">
        {TOOLS.map(({ tool, text }) => (
          <button
            key={tool}
            type="button"
            className={`${btn} ${s.tool === tool ? on : off}`}
            aria-pressed={s.tool === tool}
            disabled={p.disabled}
            title={`${text} (${key('tool', (c) => c.tool === tool)})`}
            onClick={() => p.onChange({ tool })}
          >
            {text}
          </button>
        ))}
        <span className="mx-1 h-5 w-px bg-slate-200" />
        <button
          type="button"
          className={`${btn} ${off}`}
          disabled={p.disabled || !p.snapshot?.canUndo}
          onClick={p.onUndo}
          title={`Undo ${p.snapshot?.undoLabel ?? ''} (Ctrl+Z)`}
        >
          Undo
        </button>
        <button
          type="button"
          className={`${btn} ${off}`}
          disabled={p.disabled || !p.snapshot?.canRedo}
          onClick={p.onRedo}
          title={`Redo ${p.snapshot?.redoLabel ?? ''} (Ctrl+Shift+Z)`}
        >
          Redo
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-1" title="Brush size ([ and ])">
          Size
          <input
            type="range"
            min={0}
            max={SIZE_STEPS.length - 1}
            value={Math.max(0, SIZE_STEPS.indexOf(s.sizeMm))}
            aria-label="Brush size"
            onChange={(e) => p.onChange({ sizeMm: SIZE_STEPS[Number(e.target.value)] })}
          />
          <span className="w-12 tabular-nums" data-testid="brush-size">
            {s.sizeMm} mm
          </span>
        </label>
        <label className="flex items-center gap-1" title={`3D sphere brush (${key('toggleSphere')})`}>
          <input type="checkbox" checked={s.sphere} onChange={(e) => p.onChange({ sphere: e.target.checked })} /> 3D sphere
        </label>
        <label className="flex items-center gap-1" title={`Overwrite protection (${key('cycleProtection')})`}>
          Paint
          <select
            aria-label="Overwrite protection"
            value={protectionKey(s.protection)}
            className="rounded border border-slate-300 px-1"
            onChange={(e) => p.onChange({ protection: PROTECTIONS.find((x) => x.key === e.target.value)!.rule })}
          >
            <Options items={PROTECTIONS.map((x) => ({ value: x.key, label: x.text }))} />
          </select>
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={s.eraseAnyLabel} onChange={(e) => p.onChange({ eraseAnyLabel: e.target.checked })} /> Eraser
          clears any label
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={s.fill3d} onChange={(e) => p.onChange({ fill3d: e.target.checked })} /> 3D fill
        </label>
      </div>
      <div className="flex flex-wrap items-center gap-2" aria-label="Threshold painting">
        <label className="flex items-center gap-1" title={`Only paint voxels in an intensity range (${key('toggleThreshold')})`}>
          <input type="checkbox" checked={t.enabled} onChange={(e) => p.onChange({ threshold: { ...t, enabled: e.target.checked } })} />{' '}
          Threshold on
        </label>
        <select
          aria-label="Threshold modality"
          value={t.modality}
          className="rounded border border-slate-300 px-1"
          onChange={(e) => p.onChange({ threshold: { ...t, modality: e.target.value as Modality } })}
        >
          {MODALITIES.filter((m) => p.modalities.includes(m)).map((m) => (
            <option key={m} value={m}>
              {MODALITY_NAMES[m]}
            </option>
          ))}
        </select>
        <input
          type="number"
          aria-label="Threshold minimum"
          className="w-20 rounded border border-slate-300 px-1"
          value={t.lo}
          onChange={(e) => p.onChange({ threshold: { ...t, lo: Number(e.target.value) } })}
        />
        –
        <input
          type="number"
          aria-label="Threshold maximum"
          className="w-20 rounded border border-slate-300 px-1"
          value={t.hi}
          onChange={(e) => p.onChange({ threshold: { ...t, hi: Number(e.target.value) } })}
        />
        <button
          type="button"
          className={`${btn} ${off}`}
          onClick={p.onSuggestThreshold}
          title="Bright tail of this modality (85th-99.9th percentile)"
        >
          Suggest
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          className={`${btn} ${off}`}
          disabled={p.disabled}
          onClick={p.onInterpolate}
          title={`Fill the slices between drawn slices of the active label, across the view last painted in (${key('interpolate')})`}
        >
          Fill between slices
        </button>
        <span className="mx-1 h-5 w-px bg-slate-200" />
        <button
          type="button"
          className={`${btn} ${off}`}
          disabled={p.disabled}
          onClick={p.onRemoveIslands}
          title={`Remove connected pieces smaller than the volume (${key('removeIslands')})`}
        >
          Remove islands
        </button>
        <label className="flex items-center gap-1">
          &lt;
          <input
            type="number"
            min={0}
            step={0.05}
            aria-label="Island minimum volume (mL)"
            className="w-16 rounded border border-slate-300 px-1"
            value={s.islandsMinMl}
            onChange={(e) => p.onChange({ islandsMinMl: Math.max(0, Number(e.target.value)) })}
          />{' '}
          mL
        </label>
        <select
          aria-label="Island scope"
          value={s.islandsScope}
          className="rounded border border-slate-300 px-1"
          onChange={(e) => p.onChange({ islandsScope: e.target.value as 'all' | 'active' })}
        >
          <option value="all">whole tumour</option>
          <option value="active">active label</option>
        </select>
      </div>
    </div>
  );
}
