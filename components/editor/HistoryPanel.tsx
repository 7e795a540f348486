'use client';
import { useState } from 'react';
import type { LabelVersionDto } from '@/lib/server/labels/store';
import { formatDateTime } from '@/components/ui/format';
import { Options } from '@/components/ui/Options';

export interface HistoryPanelProps {
  versions: LabelVersionDto[];
  /** the version the working mask started from */
  baseVersionId: string | null;
  dirty: boolean;
  busy: boolean;
  onView(v: LabelVersionDto): void;
  onCompare(from: LabelVersionDto, to: LabelVersionDto): void;
  onRestore(v: LabelVersionDto): void;
}

const SOURCE_TEXT = { MODEL: 'model', EDIT: 'edit', IMPORT: 'import' } as const;

/** Every version with author, time, message and change size; view, compare and restore. */
export function HistoryPanel(p: HistoryPanelProps) {
  const head = p.versions.find((v) => v.isHead);
  const [from, setFrom] = useState<string>('');
  const [to, setTo] = useState<string>('');
  const fromId = from || (head?.parentId ?? p.versions.at(-1)?.id ?? '');
  const toId = to || (head?.id ?? '');
  const byId = new Map(p.versions.map((v) => [v.id, v]));
  // The head and its ancestors are the main line; anything else was saved as a branch (after a conflict).
  const mainLine = new Set<string>();
  for (let v = head; v; v = v.parentId ? byId.get(v.parentId) : undefined) mainLine.add(v.id);
  if (p.versions.length === 0)
    return <p className="text-sm text-slate-500">No saved version yet: the editor shows the model&apos;s prediction.</p>;
  const versionItems = p.versions.map((v) => ({ value: v.id, label: `v${v.number}` }));
  return (
    <div className="flex flex-col gap-2 text-sm">
      <div className="flex flex-wrap items-center gap-1" aria-label="Compare versions">
        Compare
        <select
          aria-label="Compare from"
          value={fromId}
          onChange={(e) => setFrom(e.target.value)}
          className="rounded border border-slate-300 px-1"
        >
          <Options items={versionItems} />
        </select>
        →
        <select
          aria-label="Compare to"
          value={toId}
          onChange={(e) => setTo(e.target.value)}
          className="rounded border border-slate-300 px-1"
        >
          <Options items={versionItems} />
        </select>
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40"
          disabled={p.busy || !byId.get(fromId) || !byId.get(toId) || fromId === toId}
          onClick={() => p.onCompare(byId.get(fromId)!, byId.get(toId)!)}
        >
          Show diff
        </button>
      </div>
      <ol className="flex max-h-72 flex-col gap-1 overflow-y-auto" aria-label="Version history">
        {p.versions.map((v) => (
          <li
            key={v.id}
            className="rounded border border-slate-200 p-2"
            data-testid={`version-${v.number}`}
            data-sha={v.sha256}
            data-voxels={JSON.stringify(v.voxelCounts)}
          >
            <div className="flex items-baseline justify-between gap-2">
              <span className="font-medium">
                v{v.number} {v.isHead && <span className="rounded bg-emerald-100 px-1 text-xs text-emerald-800">head</span>}
                {!mainLine.has(v.id) && <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">branch</span>}
                {v.id === p.baseVersionId && <span className="ml-1 text-xs text-slate-500">(editing{p.dirty ? ', changed' : ''})</span>}
              </span>
              <span className="text-xs text-slate-500">{SOURCE_TEXT[v.source]}</span>
            </div>
            <div
              className="text-xs text-slate-600"
              title={v.model ? `recorded by ${v.recordedByName}` : undefined}
              data-testid="version-author"
            >
              {v.authorName} · {formatDateTime(v.createdAt)} · {v.changedVoxels.toLocaleString()} voxels changed
              {v.parentNumber ? ` vs v${v.parentNumber}` : ''}
            </div>
            {v.message && <div className="mt-1 text-xs italic">{v.message}</div>}
            <div className="mt-1 flex gap-2 text-xs">
              <button type="button" className="underline disabled:opacity-40" disabled={p.busy} onClick={() => p.onView(v)}>
                View
              </button>
              {v.parentId && (
                <button
                  type="button"
                  className="underline disabled:opacity-40"
                  disabled={p.busy}
                  onClick={() => p.onCompare(byId.get(v.parentId!) ?? v, v)}
                >
                  Diff vs parent
                </button>
              )}
              {!v.isHead && (
                <button
                  type="button"
                  className="underline disabled:opacity-40"
                  disabled={p.busy || p.dirty}
                  title={p.dirty ? 'Save or undo your edits first' : 'Make this the new head (a new version)'}
                  onClick={() => p.onRestore(v)}
                >
                  Restore
                </button>
              )}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}
