'use client';
import type { LabelCounts } from '@/lib/editor/stats';
import { EDIT_LABELS } from '@/lib/editor/types';
import { DIFF_STYLE_COLOURS, LABEL_NAMES } from './settings';
import type { EditorMode } from './useVersionActions';

const rgb = (c: [number, number, number]) => `rgb(${c.join(',')})`;
const per = (c: LabelCounts) =>
  EDIT_LABELS.map((l) => `${LABEL_NAMES[l]} ${c[String(l) as keyof LabelCounts].toLocaleString()}`).join(', ');

/** Says what the viewer shows when it is not the working mask, and how to get back to editing. */
export function ModeBanner({ mode, onBack }: { mode: EditorMode; onBack(): void }) {
  if (mode.kind === 'edit') return null;
  return (
    <div
      className="flex flex-wrap items-center gap-3 rounded border border-blue-300 bg-blue-50 p-2 text-sm text-blue-950"
      role="status"
      data-testid="mode-banner"
    >
      {mode.kind === 'view' ? (
        <span>
          Viewing v{mode.version.number} by {mode.version.authorName} (read-only). Your working mask is unchanged.
        </span>
      ) : (
        <span>
          Diff v{mode.from.number} → v{mode.to.number}: <span style={{ color: rgb(DIFF_STYLE_COLOURS[1]) }}>■</span> added (
          {per(mode.diff.added)}), <span style={{ color: rgb(DIFF_STYLE_COLOURS[2]) }}>■</span> removed ({per(mode.diff.removed)}),{' '}
          <span style={{ color: rgb(DIFF_STYLE_COLOURS[3]) }}>■</span> relabelled · {mode.diff.changed.toLocaleString()} voxels changed
        </span>
      )}
      <button type="button" className="rounded bg-blue-800 px-2 py-0.5 text-white" onClick={onBack}>
        Back to editing
      </button>
    </div>
  );
}
