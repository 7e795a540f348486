'use client';
import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { commandForKey, type EditorCommand } from '@/lib/editor/shortcuts';
import type { EditSession, ToolSpec } from '@/lib/editor/session';
import type { Spacing } from '@/lib/editor/types';
import { percentiles } from '@/lib/editor/threshold';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import { LABEL_NAMES, nextSize, PROTECTIONS, protectionKey, type Modality, type ToolSettings } from './settings';
import type { ToolHandlers } from './useCanvasTools';

interface Deps {
  viewer: MaskViewer | null;
  session: EditSession | null;
  settings: ToolSettings;
  setSettings(patch: Partial<ToolSettings>): void;
  editable: boolean;
  notify(text: string): void;
  onSave(): void;
  onNextModality(): void;
  onOpacity(delta: 1 | -1): void;
  onToggleVisible(label: 1 | 2 | 3): void;
  onZoom(delta: 1 | -1): void;
  onFit(): void;
  onShortcutSheet(): void;
  onNextCase(): void;
  /** the region guard's size question (useRegionGuard): true to go ahead */
  approve(action: string, voxels: number, spacing: Spacing, labelName: string): boolean;
}

/** Turns toolbar settings and key presses into edit-session operations. */
export function useEditorCommands(d: Deps) {
  const { viewer, session, settings, editable, notify, approve } = d;
  const intensities = useRef(new Map<string, Float32Array>());

  const valuesFor = useCallback(
    (modality: Modality): Float32Array | null => {
      let v = intensities.current.get(modality);
      if (!v) {
        v = viewer?.rasIntensities(modality) ?? undefined;
        if (v) intensities.current.set(modality, v);
      }
      return v ?? null;
    },
    [viewer],
  );

  const toolSpec = useCallback(
    (s: ToolSettings): ToolSpec => {
      const values = s.threshold.enabled ? valuesFor(s.threshold.modality) : null;
      return {
        kind: s.tool === 'eraser' ? 'eraser' : 'brush',
        label: s.label,
        sizeMm: s.sizeMm,
        sphere: s.sphere,
        protection: s.protection,
        eraseAnyLabel: s.eraseAnyLabel,
        range: values ? { values, lo: s.threshold.lo, hi: s.threshold.hi } : null,
      };
    },
    [valuesFor],
  );

  // Mouse listeners are bound once; they read the latest settings through this ref.
  const handlers = useRef<ToolHandlers>({ active: () => null, onFillResult: () => {} });
  useLayoutEffect(() => {
    handlers.current = {
      active: () => {
        if (!editable || settings.tool === 'navigate') return null;
        const spec = toolSpec(settings);
        // Never paint unconstrained while the threshold modality is still being decoded.
        if (settings.threshold.enabled && !spec.range)
          return (void notify(`Loading ${settings.threshold.modality} for threshold painting…`), null);
        return { kind: settings.tool === 'fill' ? 'fill' : 'stroke', spec, fill3d: settings.fill3d };
      },
      onFillResult: (n) =>
        notify(
          n < 0
            ? 'Fill stopped: the region is larger than 5 million voxels (is the outline closed?). Nothing changed.'
            : `Filled ${n.toLocaleString()} voxels.`,
        ),
    };
  });

  const suggestThreshold = useCallback(() => {
    const values = valuesFor(settings.threshold.modality);
    if (!values) return notify('That modality is still loading.');
    const [lo, hi] = percentiles(values, [85, 99.9]);
    d.setSettings({ threshold: { ...settings.threshold, enabled: true, lo: Math.round(lo), hi: Math.round(hi) } });
  }, [valuesFor, settings.threshold, d, notify]);

  const interpolate = useCallback(() => {
    if (!session || !editable) return;
    const rule = settings.protection.mode === 'any' ? ({ mode: 'background' } as const) : settings.protection;
    const asked = (voxels: number) => approve('fill between slices', voxels, session.grid.spacing, LABEL_NAMES[settings.label]);
    const r = session.interpolate(settings.label, rule, undefined, asked);
    notify(
      r.declined
        ? 'Fill between slices not applied: nothing changed.'
        : r.filledSlices
          ? `Filled ${r.filledSlices} slices (${r.changedVoxels.toLocaleString()} voxels).`
          : 'No gap to fill: draw the label on two slices with empty slices between them.',
    );
  }, [session, editable, settings.label, settings.protection, notify, approve]);

  const removeIslands = useCallback(() => {
    if (!session || !editable) return;
    const r = session.removeIslands(settings.islandsMinMl, settings.islandsScope === 'all' ? 'all' : settings.label);
    notify(`Removed ${r.removedComponents} island(s) (${r.removedVoxels.toLocaleString()} voxels); kept ${r.keptComponents}.`);
  }, [session, editable, settings.islandsMinMl, settings.islandsScope, settings.label, notify]);

  const run = useCallback(
    (c: EditorCommand) => {
      switch (c.kind) {
        case 'tool':
          return d.setSettings({ tool: c.tool });
        case 'label':
          return d.setSettings({ label: c.label });
        case 'size':
          return d.setSettings({ sizeMm: nextSize(settings.sizeMm, c.delta) });
        case 'toggleSphere':
          return d.setSettings({ sphere: !settings.sphere });
        case 'toggleThreshold':
          return d.setSettings({ threshold: { ...settings.threshold, enabled: !settings.threshold.enabled } });
        case 'cycleProtection': {
          const i = PROTECTIONS.findIndex((p) => p.key === protectionKey(settings.protection));
          return d.setSettings({ protection: PROTECTIONS[(i + 1) % PROTECTIONS.length].rule });
        }
        case 'toggleLabelVisibility':
          return d.onToggleVisible(c.label);
        case 'interpolate':
          return interpolate();
        case 'removeIslands':
          return removeIslands();
        case 'undo':
          return void (editable && session?.undo());
        case 'redo':
          return void (editable && session?.redo());
        case 'save':
          return d.onSave();
        case 'nextModality':
          return d.onNextModality();
        case 'opacity':
          return d.onOpacity(c.delta);
        case 'zoom':
          return d.onZoom(c.delta);
        case 'fit':
          return d.onFit();
        case 'shortcutSheet':
          return d.onShortcutSheet();
        case 'nextCase':
          return d.onNextCase();
      }
    },
    [d, settings, interpolate, removeIslands, editable, session],
  );

  const runRef = useRef(run);
  useLayoutEffect(() => {
    runRef.current = run;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
      const c = commandForKey(e);
      // In a text field keys type text (Ctrl+Z undoes typing); only Ctrl+S still saves.
      if (!c || (typing && c.kind !== 'save')) return;
      e.preventDefault();
      runRef.current(c);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return { handlers, run, suggestThreshold, interpolate, removeIslands };
}
