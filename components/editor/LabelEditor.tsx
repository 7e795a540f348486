'use client';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useRouter } from 'next/navigation';
import type { LabelStateDto } from '@/lib/server/labels/queries';
import { Toolbar } from './Toolbar';
import { ConflictNotice, DraftOffer } from './SaveBar';
import { ModeBanner } from './ModeBanner';
import {
  COLOURS,
  DEFAULT_SETTINGS,
  DEFAULT_VIEW,
  DIFF_STYLE_COLOURS,
  MODALITIES,
  type Modality,
  type ToolSettings,
  type ViewSettings,
} from './settings';
import { useEditorViewer } from './useEditorViewer';
import { useCanvasTools } from './useCanvasTools';
import { useDrafts } from './useDrafts';
import { useVersionActions } from './useVersionActions';
import { useEditorCommands } from './useEditorCommands';
import { useAutomationHook } from './useAutomationHook';
import { useViewNavigation } from './navigation/useViewNavigation';
import { useFitViewHeight } from './navigation/useFitViewHeight';
import { NavigationBar } from './navigation/NavigationBar';
import { EditorFooter } from './EditorFooter';
import { EditorSidebar } from './EditorSidebar';
import { ShortcutSheet } from './ShortcutSheet';
import { useRegionGuard } from './useRegionGuard';
import { FillLimit } from './FillLimit';

export interface LabelEditorProps {
  caseId: string;
  volumes: { modality: string; sha256: string }[];
  initialState: LabelStateDto;
  user: { id: string; name: string };
  /** the next case in the review queue (Shift+N opens it), or null when the queue holds no other */
  nextCase: { caseId: string; externalId: string } | null;
}

const noop = () => () => {};

/** The mask editor: NiiVue view, tools, history, review. Mask logic lives in lib/editor; this wires it to the UI. */
export function LabelEditor({ caseId, volumes, initialState, user, nextCase }: LabelEditorProps) {
  const head = initialState.versions.find((v) => v.isHead) ?? null;
  const start = useMemo(() => ({ base: head?.id ?? null, maskSha: head?.sha256 ?? initialState.prediction?.sha256 ?? null }), []); // eslint-disable-line react-hooks/exhaustive-deps
  const firstModality = volumes.some((v) => v.modality === DEFAULT_VIEW.modality)
    ? DEFAULT_VIEW.modality
    : (volumes[0]?.modality as Modality);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const load = useEditorViewer(canvasRef, overlayRef, volumes, firstModality, start.maskSha);
  const { viewer, session } = load;
  const snap = useSyncExternalStore(
    session?.subscribe ?? noop,
    () => session?.getSnapshot() ?? null,
    () => null,
  );
  const [settings, setSettingsState] = useState<ToolSettings>(DEFAULT_SETTINGS);
  const [view, setView] = useState<ViewSettings>({ ...DEFAULT_VIEW, modality: firstModality });
  // Drafts record the version the edits started from; the ref follows the base as saves and reloads move it.
  const baseRef = useRef<string | null>(start.base);
  const drafts = useDrafts(user.id, caseId, session, baseRef);
  const va = useVersionActions({ caseId, viewer, session, drafts, initialState, initialBase: start.base });
  useLayoutEffect(() => {
    baseRef.current = va.base;
  }, [va.base]);
  const editable = load.status === 'ready' && va.mode.kind === 'edit';
  const setSettings = useCallback((patch: Partial<ToolSettings>) => setSettingsState((s) => ({ ...s, ...patch })), []);
  const notify = va.setNotice;

  const available = useMemo(() => MODALITIES.filter((m) => volumes.some((v) => v.modality === m)), [volumes]);
  const router = useRouter();
  const viewState = useViewNavigation(containerRef, viewer);
  const viewHeight = useFitViewHeight(containerRef);
  const [sheetOpen, setSheetOpen] = useState(false);
  const nextModality = useCallback(() => {
    setView((v) => ({ ...v, modality: available[(available.indexOf(v.modality) + 1) % available.length] ?? v.modality }));
  }, [available]);
  const regionGuard = useRegionGuard(viewer, load.loaded, notify);
  const cmd = useEditorCommands({
    viewer,
    session,
    settings,
    setSettings,
    editable,
    notify,
    onSave: () => (session?.getSnapshot().dirty ? void va.save() : notify('Nothing to save: no edits since the last save.')),
    onNextModality: nextModality,
    onOpacity: (d) => setView((v) => ({ ...v, opacity: Math.min(1, Math.max(0, Math.round((v.opacity + d * 0.1) * 10) / 10)) })),
    onToggleVisible: (l) => setView((v) => ({ ...v, visible: { ...v.visible, [l]: !v.visible[l] } })),
    onZoom: (d) => viewer?.view.zoomBy(d > 0 ? 1.25 : 0.8),
    onFit: () => viewer?.view.fit(),
    onShortcutSheet: () => setSheetOpen((o) => !o),
    approve: regionGuard.approve,
    onNextCase: () => (nextCase ? router.push(`/cases/${nextCase.caseId}/edit`) : notify('No other case is waiting in the review queue.')),
  });
  useCanvasTools(containerRef, viewer, session, editable, cmd.handlers, regionGuard.handle);
  useAutomationHook(viewer, load.status === 'ready');

  // What is drawn: the working mask, a version read-only, or a diff overlay; and in which colours.
  useEffect(() => {
    if (!viewer || !session) return;
    const m = va.mode;
    viewer.setMask(m.kind === 'edit' ? session.mask : m.mask);
    const diff = m.kind === 'diff';
    viewer.setLabelStyle({
      colours: diff ? DIFF_STYLE_COLOURS : COLOURS,
      visible: diff ? { 1: true, 2: true, 3: true } : view.visible,
      opacity: view.opacity,
    });
  }, [viewer, session, va.mode, view.visible, view.opacity]);

  const { ensureModality, swap } = load;
  useEffect(() => {
    if (!viewer) return;
    const modality = view.modality;
    swap('modality', async (v, live) => {
      await live(ensureModality(modality));
      v.showModality(modality);
    }).catch((e: Error) => notify(e.message));
  }, [viewer, view.modality, ensureModality, swap, notify]);

  // Threshold painting reads the chosen modality's voxels: decode it as soon as it is chosen.
  useEffect(() => {
    if (viewer && settings.threshold.enabled) ensureModality(settings.threshold.modality).catch((e: Error) => notify(e.message));
  }, [viewer, settings.threshold.enabled, settings.threshold.modality, ensureModality, notify]);

  useEffect(() => viewer?.setLayout(view.layout), [viewer, view.layout]);

  useEffect(() => viewer?.onWindowChange((m, lo, hi) => setView((v) => ({ ...v, windows: { ...v.windows, [m]: [lo, hi] } }))), [viewer]);

  const setWindow = (w: [number, number]) => {
    viewer?.setWindow(view.modality, w[0], w[1]);
    setView((v) => ({ ...v, windows: { ...v.windows, [v.modality]: w } }));
  };
  const autoWindow = () => {
    const info = viewer?.intensity(view.modality);
    if (info) setWindow([info.robustMin, info.robustMax]);
  };

  const loadedInfo = load.loaded.includes(view.modality) ? viewer?.intensity(view.modality) : null;
  const shownWindow = view.windows[view.modality] ?? (loadedInfo ? ([loadedInfo.calMin, loadedInfo.calMax] as [number, number]) : null);
  const baseVersion = va.state.versions.find((v) => v.id === va.base);
  const onHead = !!baseVersion?.isHead && !snap?.dirty;
  const offer = drafts.offer;
  return (
    <div className="flex flex-col gap-3 lg:flex-row" data-testid="label-editor" data-ready={load.status === 'ready'}>
      <div className="flex min-w-0 flex-1 flex-col gap-2">
        {offer && (
          <DraftOffer
            savedAt={offer.savedAt}
            basedOn={
              offer.parentVersionId
                ? `v${va.state.versions.find((v) => v.id === offer.parentVersionId)?.number ?? '?'}`
                : 'the model prediction'
            }
            onRestore={() => {
              try {
                const r = drafts.restore();
                if (r) va.setBase(r.parentVersionId);
              } catch {
                notify('The draft does not fit this case any more (its grid changed); it was not restored.');
              }
            }}
            onDiscard={() => void drafts.discard()}
          />
        )}
        {va.conflict && (
          <ConflictNotice
            message={va.conflict.message}
            of={va.conflict.of}
            busy={va.busy}
            onBranch={() => void va.save(true)}
            onTakeOver={() => void va.save(false, true)}
            onReload={() => void va.reloadLatest()}
            onDismiss={() => va.setConflict(null)}
          />
        )}
        <Toolbar
          settings={settings}
          onChange={setSettings}
          snapshot={snap}
          disabled={!editable}
          modalities={available}
          onUndo={() => session?.undo()}
          onRedo={() => session?.redo()}
          onInterpolate={cmd.interpolate}
          onRemoveIslands={cmd.removeIslands}
          onSuggestThreshold={cmd.suggestThreshold}
        />
        {/* shown whatever the tool: a row that came and went with the fill tool moved the view under the pointer */}
        <FillLimit limitMl={regionGuard.limitMl} onChange={regionGuard.setLimitMl} />
        <ModeBanner mode={va.mode} onBack={() => va.setMode({ kind: 'edit' })} />
        <NavigationBar
          state={viewState}
          onZoom={(d) => viewer?.view.zoomBy(d > 0 ? 1.25 : 0.8)}
          onFit={() => viewer?.view.fit()}
          onSlice={(axis, i) => viewer?.view.setSlice(axis, i)}
        />
        <div
          ref={containerRef}
          className="relative h-[70vh] overflow-hidden rounded bg-black"
          style={viewHeight ? { height: viewHeight } : undefined}
        >
          <canvas
            ref={canvasRef}
            className={`h-full w-full ${editable && settings.tool !== 'navigate' ? 'cursor-crosshair' : ''}`}
            data-testid="viewer-canvas"
          />
          <canvas ref={overlayRef} className="pointer-events-none absolute inset-0 h-full w-full" data-testid="stroke-preview" />
          {load.status !== 'ready' && (
            <div className="absolute inset-0 flex items-center justify-center text-sm text-slate-200" role="status">
              {load.status === 'error'
                ? `Could not open the images: ${load.error}`
                : load.status === 'lost'
                  ? load.error
                  : 'Loading images…'}
            </div>
          )}
        </div>
        <EditorFooter
          containerRef={containerRef}
          viewer={viewer}
          session={session}
          dirty={!!snap?.dirty}
          revision={snap?.revision}
          va={va}
          drafts={drafts}
          baseNumber={baseVersion?.number}
          nextCase={nextCase}
        />
        <ShortcutSheet open={sheetOpen} onClose={() => setSheetOpen(false)} />
      </div>
      <EditorSidebar
        snap={snap}
        spacing={session?.grid.spacing ?? null}
        settings={settings}
        setSettings={setSettings}
        view={view}
        setView={setView}
        available={available}
        loaded={load.loaded}
        shownWindow={shownWindow}
        onWindow={setWindow}
        onAutoWindow={autoWindow}
        va={va}
        userId={user.id}
        onHead={onHead}
        canImport={!!session}
      />
    </div>
  );
}
