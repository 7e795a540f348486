'use client';
import type { LabelCounts } from '@/lib/editor/stats';
import { EDIT_LABELS, voxelVolumeMl, type EditLabel, type Spacing } from '@/lib/editor/types';
import { COLOURS, LABEL_NAMES, LABEL_TITLES } from './settings';

export interface LabelPanelProps {
  counts: LabelCounts | null;
  spacing: Spacing | null;
  active: EditLabel;
  visible: Record<EditLabel, boolean>;
  onActive(label: EditLabel): void;
  onVisible(label: EditLabel, visible: boolean): void;
}

/** Active label, per-label visibility, and live volumes (mL) of the working mask. */
export function LabelPanel(p: LabelPanelProps) {
  const ml = p.spacing ? voxelVolumeMl(p.spacing) : 0;
  return (
    <table className="w-full text-sm" aria-label="Labels">
      <thead className="text-left text-xs text-slate-500">
        <tr>
          <th className="py-1">Label</th>
          <th>Show</th>
          <th className="text-right">Volume</th>
        </tr>
      </thead>
      <tbody>
        {EDIT_LABELS.map((l) => {
          const n = p.counts?.[String(l) as keyof LabelCounts] ?? 0;
          const [r, g, b] = COLOURS[l];
          return (
            <tr key={l} className={p.active === l ? 'bg-slate-100' : ''}>
              <td className="py-1">
                <label className="flex items-center gap-2" title={`${LABEL_TITLES[l]} (key ${l})`}>
                  <input
                    type="radio"
                    name="active-label"
                    checked={p.active === l}
                    onChange={() => p.onActive(l)}
                    aria-label={`Active label ${LABEL_NAMES[l]}`}
                  />
                  <span className="inline-block h-3 w-3 rounded-sm" style={{ background: `rgb(${r},${g},${b})` }} />
                  {LABEL_NAMES[l]}
                </label>
              </td>
              <td>
                <input
                  type="checkbox"
                  checked={p.visible[l]}
                  onChange={(e) => p.onVisible(l, e.target.checked)}
                  aria-label={`Show ${LABEL_NAMES[l]}`}
                  title={`Show/hide (Shift+${l})`}
                />
              </td>
              <td className="text-right tabular-nums" data-testid={`label-volume-${l}`} data-voxels={n}>
                {(n * ml).toFixed(2)} mL
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
