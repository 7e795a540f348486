'use client';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import type { EditSession } from '@/lib/editor/session';
import { deleteDrafts, draftMask, latestDraft, writeDraft, type Draft } from './draft-store';

/** Drafts are written at most this often while there are unsaved edits: a crash loses less than 30 s of work. */
export const AUTOSAVE_MS = 10_000;

export interface DraftState {
  /** a draft found when the editor opened, waiting for the user to restore or discard it */
  offer: Draft | null;
  restore(): { parentVersionId: string | null } | null;
  discard(): Promise<void>;
  /** after a successful save of `savedRevision` (default: the current one): only that work no longer needs a draft */
  clear(savedRevision?: number): Promise<void>;
  lastDraftAt: number | null;
  /** the session revision the last draft holds (-1: none this session) */
  draftRevision: number;
}

/**
 * Autosaves unsaved edits to IndexedDB (every AUTOSAVE_MS and when the page is hidden) and, on open, offers the newest
 * draft of this user for this case. The draft remembers its parent version, so restoring it onto a newer head ends in
 * the usual conflict choice instead of silently overwriting someone's version.
 */
export function useDrafts(userId: string, caseId: string, session: EditSession | null, parent: RefObject<string | null>): DraftState {
  const [offer, setOffer] = useState<Draft | null>(null);
  const [lastDraftAt, setLastDraftAt] = useState<number | null>(null);
  const [draftRevision, setDraftRevision] = useState(-1);
  const written = useRef(-1);
  // while a draft is on offer, autosave waits: this session's draft would overwrite it (same user, case and parent)
  const offered = useRef<Draft | null>(null);
  useEffect(() => {
    offered.current = offer;
  }, [offer]);
  const noop = useCallback(() => () => {}, []);
  const snap = useSyncExternalStore(
    session?.subscribe ?? noop,
    () => session?.getSnapshot() ?? null,
    () => null,
  );

  useEffect(() => {
    if (!session) return;
    let alive = true;
    latestDraft(userId, caseId)
      .then((d) => alive && setOffer(d))
      .catch(() => alive && setOffer(null));
    return () => {
      alive = false;
    };
  }, [session, userId, caseId]);

  const flush = useCallback(async () => {
    const s = session?.getSnapshot();
    if (!session || !s || !s.dirty || s.revision === written.current || offered.current) return;
    written.current = s.revision;
    await writeDraft(userId, caseId, parent.current, session.mask);
    setLastDraftAt(Date.now());
    setDraftRevision(s.revision);
  }, [session, userId, caseId, parent]);

  useEffect(() => {
    if (!session) return;
    const timer = setInterval(() => void flush().catch(() => {}), AUTOSAVE_MS);
    const hide = () => {
      if (document.visibilityState === 'hidden') void flush().catch(() => {});
    };
    document.addEventListener('visibilitychange', hide);
    window.addEventListener('pagehide', hide);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', hide);
      window.removeEventListener('pagehide', hide);
    };
  }, [session, flush]);

  // Warn before closing the tab with edits newer than the last draft.
  useEffect(() => {
    if (!snap?.dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [snap?.dirty]);

  return {
    offer,
    lastDraftAt,
    draftRevision,
    restore: () => {
      if (!offer || !session) return null;
      session.replaceUndoable(draftMask(offer), 'Restore draft');
      setOffer(null);
      return { parentVersionId: offer.parentVersionId };
    },
    discard: async () => {
      setOffer(null);
      await deleteDrafts(userId, caseId);
    },
    clear: async (savedRevision) => {
      // strokes made while the save was uploading are newer than it: the next autosave still drafts them
      written.current = savedRevision ?? session?.getSnapshot().revision ?? -1;
      await deleteDrafts(userId, caseId);
      setLastDraftAt(null);
    },
  };
}
