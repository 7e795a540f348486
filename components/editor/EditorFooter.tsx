'use client';
import type { RefObject } from 'react';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import type { EditSession } from '@/lib/editor/session';
import { SaveBar } from './SaveBar';
import { StatusLine } from './navigation/StatusLine';
import { NextCase } from './navigation/NextCase';
import type { DraftState } from './useDrafts';
import type { useVersionActions } from './useVersionActions';

interface EditorFooterProps {
  containerRef: RefObject<HTMLDivElement | null>;
  viewer: MaskViewer | null;
  session: EditSession | null;
  dirty: boolean;
  /** the session's revision, to tell whether the stored draft is the latest */
  revision: number | undefined;
  va: ReturnType<typeof useVersionActions>;
  drafts: DraftState;
  /** the number of the version the edits started from, when they started from one */
  baseNumber: number | undefined;
  nextCase: { caseId: string; externalId: string } | null;
}

/** Save, status and messages: sticky to the viewport's bottom, so they stay on screen however tall the view is. */
export function EditorFooter({ containerRef, viewer, session, dirty, revision, va, drafts, baseNumber, nextCase }: EditorFooterProps) {
  const submitted = va.state.label?.status === 'IN_REVIEW' || va.state.label?.status === 'APPROVED';
  return (
    <div
      className="sticky bottom-0 z-10 flex flex-col gap-1 rounded bg-slate-50/95 py-1 shadow-[0_-2px_6px_rgba(0,0,0,0.08)]"
      data-testid="editor-footer"
    >
      <StatusLine containerRef={containerRef} viewer={viewer} mask={session?.mask ?? null} />
      <SaveBar
        baseText={va.base ? `based on v${baseNumber ?? '?'}` : 'based on the model prediction'}
        dirty={dirty}
        saving={va.busy}
        disabled={!session}
        message={va.message}
        lastDraftAt={drafts.lastDraftAt}
        draftCurrent={drafts.draftRevision === revision}
        onMessage={va.setMessage}
        onSave={() => void va.save()}
      />
      {/* always present: a live region announces changes only if it exists before them, and the footer keeps its height */}
      <p className="min-h-5 text-sm text-slate-700" role="status" data-testid="editor-notice">
        {va.notice ?? ''}
      </p>
      <NextCase next={nextCase} submitted={submitted} />
    </div>
  );
}
