'use client';
import { useCallback, useRef, useState } from 'react';
import type { EditSession } from '@/lib/editor/session';
import type { LabelDiff } from '@/lib/editor/stats';
import type { LabelStateDto } from '@/lib/server/labels/queries';
import type { LabelVersionDto } from '@/lib/server/labels/store';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import {
  approveLabelAction,
  getLabelStateAction,
  restoreLabelVersionAction,
  returnLabelAction,
  submitForReviewAction,
} from '@/lib/actions/labels';
import type { ActionResult } from '@/lib/action-result';
import { ApiError, fetchBlob, fetchDiff, saveMask } from './api';
import type { DraftState } from './useDrafts';

export type EditorMode =
  | { kind: 'edit' }
  | { kind: 'view'; version: LabelVersionDto; mask: Uint8Array }
  | { kind: 'diff'; from: LabelVersionDto; to: LabelVersionDto; diff: LabelDiff; mask: Uint8Array };

/**
 * A refused step: a save can be kept as a branch; a refused import or restore was not applied and is simply redone;
 * a save on a case another radiologist claimed can be repeated as an explicit take-over.
 */
export interface Conflict {
  message: string;
  of: 'save' | 'import' | 'restore' | 'claim';
}

interface Deps {
  caseId: string;
  viewer: MaskViewer | null;
  session: EditSession | null;
  drafts: DraftState;
  initialState: LabelStateDto;
  initialBase: string | null;
}

/** Saving, conflicts, history navigation and review decisions: every server round trip of the editor. */
export function useVersionActions({ caseId, viewer, session, drafts, initialState, initialBase }: Deps) {
  const [state, setState] = useState(initialState);
  const [base, setBase] = useState<string | null>(initialBase);
  const [mode, setMode] = useState<EditorMode>({ kind: 'edit' });
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const inFlight = useRef(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [message, setMessage] = useState('');

  const refresh = useCallback(async () => {
    const r = await getLabelStateAction({ caseId });
    if (r.ok) setState(r.data);
    return r.ok ? r.data : null;
  }, [caseId]);

  /**
   * Runs one server step with the busy flag and a readable error in the notice line. One at a time: a second step
   * (Ctrl+S pressed again during an upload) would send the same parent and conflict with the first.
   */
  const step = useCallback(async <T>(fn: () => Promise<T>): Promise<T | null> => {
    if (inFlight.current) {
      setNotice('Still working on the previous step: try again when it has finished.');
      return null;
    }
    inFlight.current = true;
    setBusy(true);
    try {
      return await fn();
    } catch (e) {
      setNotice(e instanceof Error ? e.message : String(e));
      return null;
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }, []);

  const loadIntoSession = useCallback(
    async (version: LabelVersionDto) => {
      if (!viewer || !session) return;
      session.reset(await viewer.decodeMask(await fetchBlob(version.sha256)));
      setBase(version.id);
      setMode({ kind: 'edit' });
    },
    [viewer, session],
  );

  const save = useCallback(
    (asBranch = false, takeOver = false) =>
      step(async () => {
        if (!viewer || !session) return;
        setMode({ kind: 'edit' });
        const revision = session.getSnapshot().revision;
        // what is being saved; strokes made during the upload stay unsaved against it
        const saving = session.mask.slice();
        try {
          const nifti = await viewer.encodeMask(saving);
          const v = await saveMask({ caseId, nifti, parentVersionId: base, message, asBranch, takeOver });
          session.markSaved(saving);
          setBase(v.id);
          setMessage('');
          setConflict(null);
          await drafts.clear(revision);
          await refresh();
          setNotice(
            asBranch ? `Saved as branch v${v.number}; the head is unchanged. Compare them in the history.` : `Saved version ${v.number}.`,
          );
        } catch (e) {
          if (e instanceof ApiError && (e.code === 'CONFLICT' || e.code === 'CLAIMED'))
            setConflict({ message: e.message, of: e.code === 'CLAIMED' ? 'claim' : 'save' });
          else throw e;
        }
      }),
    [step, viewer, session, caseId, base, message, drafts, refresh],
  );

  const reloadLatest = useCallback(
    () =>
      step(async () => {
        const s = await refresh();
        const head = s?.versions.find((v) => v.isHead);
        if (head) await loadIntoSession(head);
        setConflict(null);
        await drafts.clear();
      }),
    [step, refresh, loadIntoSession, drafts],
  );

  const importFile = useCallback(
    (file: File, labelMap: string) =>
      step(async () => {
        try {
          const nifti = new Uint8Array(await file.arrayBuffer());
          const v = await saveMask({
            caseId,
            nifti,
            parentVersionId: base,
            message: `Imported ${file.name} (${labelMap})`,
            source: 'IMPORT',
            labelMap,
          });
          await loadIntoSession(v);
          await refresh();
          setNotice(`Imported ${file.name} as version ${v.number}.`);
        } catch (e) {
          if (e instanceof ApiError && e.code === 'CONFLICT') setConflict({ message: e.message, of: 'import' });
          else throw e;
        }
      }),
    [step, caseId, base, loadIntoSession, refresh],
  );

  const view = useCallback(
    (version: LabelVersionDto) =>
      step(async () => {
        if (!viewer) return;
        setMode({ kind: 'view', version, mask: await viewer.decodeMask(await fetchBlob(version.sha256)) });
      }),
    [step, viewer],
  );

  const compare = useCallback(
    (from: LabelVersionDto, to: LabelVersionDto) =>
      step(async () => {
        if (!viewer) return;
        const { overlay, diff } = await fetchDiff(caseId, from.id, to.id);
        setMode({ kind: 'diff', from, to, diff, mask: await viewer.decodeMask(overlay) });
      }),
    [step, viewer, caseId],
  );

  const restore = useCallback(
    (version: LabelVersionDto) =>
      step(async () => {
        const r = await restoreLabelVersionAction({ caseId, versionId: version.id, parentVersionId: base });
        if (!r.ok)
          return void (r.error.code === 'CONFLICT' ? setConflict({ message: r.error.message, of: 'restore' }) : setNotice(r.error.message));
        await loadIntoSession(r.data);
        await refresh();
        setNotice(`Restored version ${version.number} as version ${r.data.number}.`);
      }),
    [step, caseId, base, loadIntoSession, refresh],
  );

  const decide = useCallback(
    (run: () => Promise<ActionResult<unknown>>, done: string) =>
      step(async () => {
        const r = await run();
        if (!r.ok) return void setNotice(r.error.message);
        await refresh();
        setNotice(done);
      }),
    [step, refresh],
  );

  const versionId = base ?? '';
  return {
    state,
    base,
    setBase,
    mode,
    setMode,
    busy,
    conflict,
    setConflict,
    notice,
    setNotice,
    message,
    setMessage,
    save,
    reloadLatest,
    view,
    compare,
    restore,
    importFile,
    submit: () => decide(() => submitForReviewAction({ caseId, versionId }), 'Submitted for review.'),
    approve: () => decide(() => approveLabelAction({ caseId, versionId }), 'Approved: this version is now the ground truth.'),
    giveBack: (comment: string) => decide(() => returnLabelAction({ caseId, versionId, comment }), 'Returned to the author.'),
  };
}
