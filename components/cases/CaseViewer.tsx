'use client';
import { useEffect, useRef, useState } from 'react';
import { MaskViewer, type ViewerLayout } from '@/components/viewer/mask-viewer';
import { WindowLevelInputs } from '@/components/viewer/WindowLevelInputs';
import { LABEL_COLOURS } from '@/lib/labels';

export interface ViewerVolume {
  modality: string;
  sha256: string;
}

export interface ViewerMask {
  id: string;
  label: string;
  sha256: string;
}

const blobUrl = (sha256: string) => `/api/blobs/${sha256}`;
const MODALITY_NAMES: Record<string, string> = { T1N: 'T1', T1C: 'T1 + contrast', T2W: 'T2', T2F: 'FLAIR' };
const LAYOUTS: { key: ViewerLayout; text: string }[] = [
  { key: 'multi', text: 'Multi-planar' },
  { key: 'multi3d', text: 'Multi-planar + 3D' },
  { key: 'render', text: '3D render' },
];

/** Read-only case viewer: the four modalities in linked multi-planar views with a prediction overlay and legend. */
export function CaseViewer({ volumes, masks }: { volumes: ViewerVolume[]; masks: ViewerMask[] }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const viewerRef = useRef<MaskViewer | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [modality, setModality] = useState(volumes.find((v) => v.modality === 'T1C')?.modality ?? volumes[0]?.modality);
  // null = "the first mask", so a prediction that arrives while the page is open (RefreshWhile) is shown by itself;
  // '' = the user chose no overlay.
  const [chosenMaskId, setMaskId] = useState<string | null>(null);
  const maskId = chosenMaskId ?? masks[0]?.id ?? '';
  const [opacity, setOpacity] = useState(0.5);
  const [layout, setLayout] = useState<ViewerLayout>('multi');
  /** [low, high] display window of the shown modality; null until its volume is decoded */
  const [windowRange, setWindowRange] = useState<[number, number] | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const canvas = canvasRef.current;
      if (!canvas) return;
      const viewer = await MaskViewer.create(canvas);
      if (cancelled) return viewer.destroy();
      viewerRef.current = viewer;
      const buffers = await Promise.all(volumes.map((v) => fetch(blobUrl(v.sha256)).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`${v.modality}: ${r.status}`))))));
      if (cancelled) return;
      for (const [i, v] of volumes.entries()) await viewer.addVolume(v.modality, buffers[i], v.modality === modality);
      if (!cancelled) setReady(true);
    })().catch((e) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
      viewerRef.current?.destroy();
      viewerRef.current = null;
    };
    // The volumes of a case never change while the page is open.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const viewer = viewerRef.current;
    if (!ready || !modality || !viewer) return;
    viewer.showModality(modality);
    const info = viewer.intensity(modality);
    setWindowRange(info ? [info.calMin, info.calMax] : null);
  }, [ready, modality]);

  useEffect(() => {
    if (ready) viewerRef.current?.setLayout(layout);
  }, [ready, layout]);

  function applyWindow(lo: number, hi: number) {
    if (!modality || !(hi > lo)) return;
    viewerRef.current?.setWindow(modality, lo, hi);
    setWindowRange([lo, hi]);
  }

  function autoWindow() {
    const info = modality ? viewerRef.current?.intensity(modality) : null;
    if (info) applyWindow(info.robustMin, info.robustMax);
  }

  const maskSha = masks.find((m) => m.id === maskId)?.sha256;
  useEffect(() => {
    const viewer = viewerRef.current;
    if (!ready || !viewer) return;
    let cancelled = false;
    (async () => {
      const mask = maskSha ? await viewer.decodeMask(await fetch(blobUrl(maskSha)).then((r) => r.arrayBuffer())) : new Uint8Array(viewer.grid().dims.reduce((a, b) => a * b, 1));
      if (cancelled) return;
      viewer.setMask(mask);
      viewer.setLabelStyle({ colours: LABEL_COLOURS as never, visible: { 1: true, 2: true, 3: true }, opacity });
      viewer.drawNow();
      canvasRef.current?.setAttribute('data-mask-loaded', maskSha ? maskId : '');
    })().catch((e) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
    // opacity is applied by its own effect; maskSha changes with maskId or when a prediction arrives
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, maskSha]);

  useEffect(() => {
    if (!ready) return;
    viewerRef.current?.setLabelStyle({ colours: LABEL_COLOURS as never, visible: { 1: true, 2: true, 3: true }, opacity });
    viewerRef.current?.drawNow();
  }, [ready, opacity]);

  return (
    <section aria-label="Case viewer" className="mb-6 rounded-lg border border-slate-200 bg-white p-3">
      <div className="mb-2 flex flex-wrap items-center gap-3 text-sm">
        <div role="group" aria-label="Modality" className="flex gap-1">
          {volumes.map((v) => (
            <button key={v.modality} type="button" aria-pressed={modality === v.modality} onClick={() => setModality(v.modality)} className={`rounded px-2 py-1 ${modality === v.modality ? 'bg-slate-900 text-white' : 'bg-slate-100'}`}>
              {MODALITY_NAMES[v.modality] ?? v.modality}
            </button>
          ))}
        </div>
        {masks.length > 0 && (
          <label className="flex items-center gap-1">
            Mask
            <select value={maskId} onChange={(e) => setMaskId(e.target.value)} className="rounded border border-slate-300 px-1 py-0.5" aria-label="Mask shown">
              {masks.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
              <option value="">none</option>
            </select>
          </label>
        )}
        <label className="flex items-center gap-1">
          View
          <select value={layout} onChange={(e) => setLayout(e.target.value as ViewerLayout)} className="rounded border border-slate-300 px-1 py-0.5" aria-label="View">
            {LAYOUTS.map((l) => <option key={l.key} value={l.key}>{l.text}</option>)}
          </select>
        </label>
        {windowRange && <WindowLevelInputs range={windowRange} onChange={applyWindow} onAuto={autoWindow} />}
        <label className="flex items-center gap-1">
          Overlay
          <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} aria-label="Overlay opacity" />
        </label>
        <ul className="flex gap-3" aria-label="Legend">
          {(['NCR', 'ED', 'ET'] as const).map((name, i) => (
            <li key={name} className="flex items-center gap-1">
              <span className="inline-block h-3 w-3 rounded-sm" style={{ background: `rgb(${LABEL_COLOURS[i + 1].join(',')})` }} />
              {name === 'NCR' ? 'Necrotic core' : name === 'ED' ? 'Edema' : 'Enhancing tumour'}
            </li>
          ))}
        </ul>
        {!ready && !error && <span className="text-slate-500">Loading volumes…</span>}
      </div>
      {error && <p role="alert" className="text-red-700">Could not display the case: {error}</p>}
      {/* NiiVue sizes the canvas to its parent (style 100%), so the parent carries the height. */}
      <div className="h-[520px] w-full">
        <canvas ref={canvasRef} className="h-full w-full rounded bg-black" data-testid="case-viewer-canvas" data-ready={ready ? 'true' : 'false'} />
      </div>
    </section>
  );
}
