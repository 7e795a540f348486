'use client';
import type { Conflict } from './useVersionActions';

export interface SaveBarProps {
  baseText: string;
  dirty: boolean;
  saving: boolean;
  disabled: boolean;
  message: string;
  lastDraftAt: number | null;
  /** the last draft holds every edit made so far */
  draftCurrent: boolean;
  onMessage(m: string): void;
  onSave(): void;
}

/** Version message and Save (Ctrl+S); says what the edits are based on and whether they are saved. */
export function SaveBar(p: SaveBarProps) {
  return (
    <div className="flex flex-wrap items-center gap-2 rounded border border-slate-200 bg-white p-2 text-sm">
      <input
        aria-label="Version message"
        className="min-w-48 flex-1 rounded border border-slate-300 px-2 py-1"
        placeholder="What did you change?"
        value={p.message}
        onChange={(e) => p.onMessage(e.target.value)}
      />
      <button
        type="button"
        className="rounded bg-slate-900 px-3 py-1 text-white disabled:opacity-40"
        disabled={p.disabled || p.saving || !p.dirty}
        onClick={p.onSave}
        title="Save a new version (Ctrl+S)"
      >
        {p.saving ? 'Saving…' : 'Save version'}
      </button>
      <span className="text-xs text-slate-500" data-testid="save-state" data-dirty={p.dirty} data-draft-current={p.dirty && p.draftCurrent}>
        {p.baseText} · {p.dirty ? 'unsaved edits' : 'saved'}
        {p.dirty && p.lastDraftAt ? ` (draft kept ${new Date(p.lastDraftAt).toLocaleTimeString()})` : ''}
      </span>
    </div>
  );
}

export interface ConflictProps {
  message: string;
  /** what was refused: only a refused save has edits of the user's own to keep as a branch */
  of: Conflict['of'];
  busy: boolean;
  onBranch(): void;
  /** for a case claimed by someone else: save anyway, taking the claim over */
  onTakeOver(): void;
  onReload(): void;
  onDismiss(): void;
}

/** A refused save, import or restore: nothing was lost; the user chooses how to go on. */
export function ConflictNotice(p: ConflictProps) {
  if (p.of === 'claim') return <ClaimNotice {...p} />;
  const save = p.of === 'save';
  return (
    <div role="alertdialog" aria-label="Save conflict" className="rounded border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950">
      <p className="font-medium">{save ? 'Not saved' : p.of === 'import' ? 'Not imported' : 'Not restored'}: someone else saved first</p>
      <p className="mt-1">{p.message}</p>
      {!save && (
        <p className="mt-1">
          Nothing was stored: load the latest version, then {p.of === 'import' ? 'import the file' : 'restore the version'} again if it is
          still needed.
        </p>
      )}
      <div className="mt-2 flex flex-wrap gap-2">
        {save && (
          <button
            type="button"
            className="rounded bg-amber-700 px-3 py-1 text-white disabled:opacity-40"
            disabled={p.busy}
            onClick={p.onBranch}
          >
            Save mine as a branch
          </button>
        )}
        <button
          type="button"
          className="rounded border border-amber-700 px-3 py-1 disabled:opacity-40"
          disabled={p.busy}
          onClick={p.onReload}
        >
          {save ? 'Discard mine and load the latest' : 'Load the latest'}
        </button>
        <button type="button" className="rounded px-3 py-1 underline" onClick={p.onDismiss}>
          {save ? 'Keep editing' : 'Dismiss'}
        </button>
      </div>
    </div>
  );
}

/** A save refused because another radiologist claimed the case: nothing was stored; taking over is explicit. */
function ClaimNotice(p: ConflictProps) {
  return (
    <div role="alertdialog" aria-label="Case claimed" className="rounded border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950">
      <p className="font-medium">Not saved: this case is claimed by another radiologist</p>
      <p className="mt-1">{p.message}</p>
      <div className="mt-2 flex flex-wrap gap-2">
        <button
          type="button"
          className="rounded bg-amber-700 px-3 py-1 text-white disabled:opacity-40"
          disabled={p.busy}
          onClick={p.onTakeOver}
        >
          Take over the case and save
        </button>
        <button type="button" className="rounded px-3 py-1 underline" onClick={p.onDismiss}>
          Keep editing
        </button>
      </div>
    </div>
  );
}

export interface DraftOfferProps {
  savedAt: number;
  basedOn: string;
  onRestore(): void;
  onDiscard(): void;
}

export function DraftOffer(p: DraftOfferProps) {
  return (
    <div role="alert" aria-label="Unsaved draft" className="rounded border border-blue-300 bg-blue-50 p-3 text-sm text-blue-950">
      Unsaved edits from {new Date(p.savedAt).toLocaleString()} (based on {p.basedOn}) were kept in this browser. Autosave waits until you
      restore or discard them.
      <button type="button" className="ml-2 rounded bg-blue-800 px-2 py-0.5 text-white" onClick={p.onRestore}>
        Restore draft
      </button>
      <button type="button" className="ml-2 underline" onClick={p.onDiscard}>
        Discard
      </button>
    </div>
  );
}
