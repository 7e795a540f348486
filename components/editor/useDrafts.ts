'use client';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import type { EditSession } from '@/lib/editor/session';
import { deleteDrafts, draftMask, latestDraft, writeDraft, type Draft } from './draft-store';
import { useLeaveGuard } from './useLeaveGuard';

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
 * Writes unsaved edits to IndexedDB after every operation (a stroke, a fill, an undo), so leaving by any way loses
 * nothing, and on open offers the newest draft of this user for this case. Undoing back to the saved mask removes the
 * draft: there is nothing left to keep. The draft remembers its parent version, so restoring it onto a newer head ends in
 * the usual conflict choice instead of silently overwriting someone's version.
 */
export function useDrafts(userId: string, caseId: string, session: EditSession | null, parent: RefObject<string | null>): DraftState {
  const [offer, setOffer] = useState<Draft | null>(null);
  const [lastDraftAt, setLastDraftAt] = useState<number | null>(null);
  const [draftRevision, setDraftRevision] = useState(-1);
  // the revision the stored draft holds; null until the session opens (its starting mask needs no draft)
  const written = useRef<number | null>(null);
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
    written.current = session?.getSnapshot().revision ?? null;
    if (!session) return;
    let alive = true;
    latestDraft(userId, caseId)
      .then((d) => alive && setOffer(d))
      .catch(() => alive && setOffer(null));
    return () => {
      alive = false;
    };
  }, [session, userId, caseId]);

  // One write at a time, in revision order: a slow IndexedDB write must not let an older mask land last.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const flush = useCallback(() => {
    queue.current = queue.current
      .then(async () => {
        const s = session?.getSnapshot();
        if (!session || !s || written.current === null || s.revision === written.current || offered.current) return;
        written.current = s.revision;
        if (!s.dirty) return void (await deleteDrafts(userId, caseId));
        await writeDraft(userId, caseId, parent.current, session.mask);
        setLastDraftAt(Date.now());
        setDraftRevision(s.revision);
      })
      .catch(() => {});
    return queue.current;
  }, [session, userId, caseId, parent]);

  useEffect(() => {
    if (snap) void flush();
  }, [snap, flush]);

  useLeaveGuard(!!snap?.dirty);

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
