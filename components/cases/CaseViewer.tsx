'use client';
import { useEffect, useReducer, useRef, useState } from 'react';
import type { ViewerLayout } from '@/components/viewer/mask-viewer';
import { useNiivue } from '@/components/viewer/useNiivue';
import { WindowLevelInputs } from '@/components/viewer/WindowLevelInputs';
import { LABEL_COLOURS } from '@/lib/labels';
import { Options } from '@/components/ui/Options';

export interface ViewerVolume {
  modality: string;
  sha256: string;
}

export interface ViewerMask {
  id: string;
  label: string;
  sha256: string;
}

const fetchBlob = (sha256: string, what: string, signal?: AbortSignal) =>
  fetch(`/api/blobs/${sha256}`, { signal }).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`${what}: ${r.status}`))));
const MODALITY_NAMES: Record<string, string> = { T1N: 'T1', T1C: 'T1 + contrast', T2W: 'T2', T2F: 'FLAIR' };
const LAYOUTS: { key: ViewerLayout; text: string }[] = [
  { key: 'multi', text: 'Multi-planar' },
  { key: 'multi3d', text: 'Multi-planar + 3D' },
  { key: 'render', text: '3D render' },
];

/** Read-only case viewer: the four modalities in linked multi-planar views with a prediction overlay and legend. */
export function CaseViewer({ volumes, masks }: { volumes: ViewerVolume[]; masks: ViewerMask[] }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [modality, setModality] = useState(volumes.find((v) => v.modality === 'T1C')?.modality ?? volumes[0]?.modality);
  // null = "the first mask", so a prediction that arrives while the page is open (RefreshWhile) is shown by itself;
  // '' = the user chose no overlay.
  const [chosenMaskId, setMaskId] = useState<string | null>(null);
  const maskId = chosenMaskId ?? masks[0]?.id ?? '';
  const [opacity, setOpacity] = useState(0.5);
  const [layout, setLayout] = useState<ViewerLayout>('multi');
  const [maskError, setMaskError] = useState<string | null>(null);

  // The volumes of a case never change while the page is open: all four are decoded once, then swapped instantly.
  const {
    viewer,
    status,
    error: loadError,
    swap,
  } = useNiivue<void>({
    canvasRef,
    open: async ({ create, live, signal }) => {
      const v = await create();
      const buffers = await live(Promise.all(volumes.map((x) => fetchBlob(x.sha256, x.modality, signal))));
      for (const [i, x] of volumes.entries()) await live(v.addVolume(x.modality, buffers[i], x.modality === modality));
    },
  });
  const ready = status === 'ready';
  const error = status === 'lost' ? null : (loadError ?? maskError);

  useEffect(() => {
    if (viewer && modality) viewer.showModality(modality);
  }, [viewer, modality]);
  // The viewer holds each modality's display window: read it at render, re-render after changing it.
  const [, windowChanged] = useReducer((n: number) => n + 1, 0);
  const cal = viewer && modality ? viewer.intensity(modality) : null;
  /** [low, high] display window of the shown modality; null until its volume is decoded */
  const windowRange: [number, number] | null = cal && [cal.calMin, cal.calMax];

  useEffect(() => viewer?.setLayout(layout), [viewer, layout]);

  function applyWindow(lo: number, hi: number) {
    if (!modality || !(hi > lo)) return;
    viewer?.setWindow(modality, lo, hi);
    windowChanged();
  }

  function autoWindow() {
    const info = modality ? viewer?.intensity(modality) : null;
    if (info) applyWindow(info.robustMin, info.robustMax);
  }

  const maskSha = masks.find((m) => m.id === maskId)?.sha256;
  useEffect(() => {
    if (!viewer) return;
    swap('mask', async (v, live) => {
      const mask = maskSha
        ? await live(v.decodeMask(await live(fetchBlob(maskSha, 'mask'))))
        : new Uint8Array(v.grid().dims.reduce((a, b) => a * b, 1));
      v.setMask(mask);
      v.setLabelStyle({ colours: LABEL_COLOURS as never, visible: { 1: true, 2: true, 3: true }, opacity });
      v.drawNow();
      canvasRef.current?.setAttribute('data-mask-loaded', maskSha ? maskId : '');
    }).catch((e: unknown) => setMaskError(e instanceof Error ? e.message : String(e)));
    // opacity is applied by its own effect; maskSha changes with maskId or when a prediction arrives
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewer, maskSha, swap]);

  useEffect(() => {
    viewer?.setLabelStyle({ colours: LABEL_COLOURS as never, visible: { 1: true, 2: true, 3: true }, opacity });
    viewer?.drawNow();
  }, [viewer, opacity]);

  return (
    <section aria-label="Case viewer" className="mb-6 rounded-lg border border-slate-200 bg-white p-3">
      <div className="mb-2 flex flex-wrap items-center gap-3 text-sm">
        <div role="group" aria-label="Modality" className="flex gap-1">
          {volumes.map((v) => (
            <button
              key={v.modality}
              type="button"
              aria-pressed={modality === v.modality}
              onClick={() => setModality(v.modality)}
              className={`rounded px-2 py-1 ${modality === v.modality ? 'bg-slate-900 text-white' : 'bg-slate-100'}`}
            >
              {MODALITY_NAMES[v.modality] ?? v.modality}
            </button>
          ))}
        </div>
        {masks.length > 0 && (
          <label className="flex items-center gap-1">
            Mask
            <select
              value={maskId}
              onChange={(e) => setMaskId(e.target.value)}
              className="rounded border border-slate-300 px-1 py-0.5"
              aria-label="Mask shown"
            >
              <Options items={masks.map((m) => ({ value: m.id, label: m.label }))} />
              <option value="">none</option>
            </select>
          </label>
        )}
        <label className="flex items-center gap-1">
          View
          <select
            value={layout}
            onChange={(e) => setLayout(e.target.value as ViewerLayout)}
            className="rounded border border-slate-300 px-1 py-0.5"
            aria-label="View"
          >
            <Options items={LAYOUTS.map((l) => ({ value: l.key, label: l.text }))} />
          </select>
        </label>
        {windowRange && <WindowLevelInputs range={windowRange} onChange={applyWindow} onAuto={autoWindow} />}
        <label className="flex items-center gap-1">
          Overlay
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={opacity}
            onChange={(e) => setOpacity(Number(e.target.value))}
            aria-label="Overlay opacity"
          />
        </label>
        <ul className="flex gap-3" aria-label="Legend">
          {(['NCR', 'ED', 'ET'] as const).map((name, i) => (
            <li key={name} className="flex items-center gap-1">
              <span className="inline-block h-3 w-3 rounded-sm" style={{ background: `rgb(${LABEL_COLOURS[i + 1].join(',')})` }} />
              {name === 'NCR' ? 'Necrotic core' : name === 'ED' ? 'Edema' : 'Enhancing tumour'}
            </li>
          ))}
        </ul>
        {status === 'loading' && !error && <span className="text-slate-500">Loading volumes…</span>}
      </div>
      {error && (
        <p role="alert" className="text-red-700">
          Could not display the case: {error}
        </p>
      )}
      {status === 'lost' && (
        <p role="status" className="text-amber-800">
          {loadError}
        </p>
      )}
      {/* NiiVue sizes the canvas to its parent (style 100%), so the parent carries the height. */}
      <div className="h-[520px] w-full">
        <canvas
          ref={canvasRef}
          className="h-full w-full rounded bg-black"
          data-testid="case-viewer-canvas"
          data-ready={ready ? 'true' : 'false'}
        />
      </div>
    </section>
  );
}
