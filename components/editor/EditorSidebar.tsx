'use client';
import type { Dispatch, SetStateAction } from 'react';
import type { SessionSnapshot } from '@/lib/editor/session';
import type { Spacing } from '@/lib/editor/types';
import { LabelPanel } from './LabelPanel';
import { ViewPanel } from './ViewPanel';
import { HistoryPanel } from './HistoryPanel';
import { ReviewPanel } from './ReviewPanel';
import { ImportMask } from './ImportMask';
import type { Modality, ToolSettings, ViewSettings } from './settings';
import type { useVersionActions } from './useVersionActions';

interface EditorSidebarProps {
  snap: SessionSnapshot | null;
  spacing: Spacing | null;
  settings: ToolSettings;
  setSettings: (patch: Partial<ToolSettings>) => void;
  view: ViewSettings;
  setView: Dispatch<SetStateAction<ViewSettings>>;
  available: Modality[];
  loaded: string[];
  shownWindow: [number, number] | null;
  onWindow: (w: [number, number]) => void;
  onAutoWindow: () => void;
  va: ReturnType<typeof useVersionActions>;
  userId: string;
  /** the edits sit on the newest version with nothing unsaved (what submitting needs) */
  onHead: boolean;
  /** a session is open, so a mask file can be imported into it */
  canImport: boolean;
}

/** The editor's side panels: labels, view, review and history. */
export function EditorSidebar({
  snap,
  spacing,
  settings,
  setSettings,
  view,
  setView,
  available,
  loaded,
  shownWindow,
  onWindow,
  onAutoWindow,
  va,
  userId,
  onHead,
  canImport,
}: EditorSidebarProps) {
  return (
    <aside className="flex w-full flex-col gap-4 lg:w-80">
      <section>
        <h2 className="mb-1 text-sm font-semibold">Labels</h2>
        <LabelPanel
          counts={snap?.counts ?? null}
          spacing={spacing}
          active={settings.label}
          visible={view.visible}
          onActive={(label) => setSettings({ label })}
          onVisible={(l, on) => setView((v) => ({ ...v, visible: { ...v.visible, [l]: on } }))}
        />
      </section>
      <section>
        <h2 className="mb-1 text-sm font-semibold">View</h2>
        <ViewPanel
          layout={view.layout}
          onLayout={(layout) => setView((v) => ({ ...v, layout }))}
          modality={view.modality}
          available={available}
          loaded={loaded}
          window={shownWindow}
          opacity={view.opacity}
          onModality={(m) => setView((v) => ({ ...v, modality: m }))}
          onWindow={onWindow}
          onAutoWindow={onAutoWindow}
          onOpacity={(o) => setView((v) => ({ ...v, opacity: o }))}
        />
      </section>
      <section>
        <h2 className="mb-1 text-sm font-semibold">Review</h2>
        <ReviewPanel
          state={va.state}
          userId={userId}
          onHead={onHead}
          busy={va.busy}
          onSubmit={() => void va.submit()}
          onApprove={() => void va.approve()}
          onReturn={(c) => void va.giveBack(c)}
        />
      </section>
      <section>
        <h2 className="mb-1 text-sm font-semibold">History</h2>
        <ImportMask disabled={va.busy || !!snap?.dirty || !canImport} onImport={(f, m) => void va.importFile(f, m)} />
        <HistoryPanel
          versions={va.state.versions}
          baseVersionId={va.base}
          dirty={!!snap?.dirty}
          busy={va.busy}
          onView={(v) => void va.view(v)}
          onCompare={(a, b) => void va.compare(a, b)}
          onRestore={(v) => void va.restore(v)}
        />
      </section>
    </aside>
  );
}
