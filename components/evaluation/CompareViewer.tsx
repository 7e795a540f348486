'use client';
import { useEffect, useRef, useState } from 'react';
import { MaskViewer } from '@/components/viewer/mask-viewer';
import { LABEL_COLOURS } from '@/lib/labels';
import { getComparisonCaseAction } from '@/lib/actions/models';
import type { ComparisonCaseDto, MaskWhich } from '@/lib/server/evaluation/compare';
import { fetchBytes } from './api';

const PANES: { which: MaskWhich; title: string }[] = [
  { which: 'reference', title: 'Reference (approved ground truth)' },
  { which: 'baseline', title: 'Production' },
  { which: 'candidate', title: 'Candidate' },
];

const STYLE = {
  colours: { 1: LABEL_COLOURS[1], 2: LABEL_COLOURS[2], 3: LABEL_COLOURS[3] },
  visible: { 1: true, 2: true, 3: true },
  opacity: 0.5,
};

/** Centre of the labelled voxels (RAS drawing grid): where the crosshair starts, so the tumour is in view. */
function centroid(mask: Uint8Array, dims: readonly number[]): [number, number, number] | null {
  let n = 0, sx = 0, sy = 0, sz = 0;
  const [nx, ny] = dims;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    n++;
    sx += i % nx;
    sy += Math.floor(i / nx) % ny;
    sz += Math.floor(i / (nx * ny));
  }
  return n ? [sx / n, sy / n, sz / n] : null;
}

/**
 * Reference, production and candidate masks over the same image, side by side, with crosshairs kept in sync: moving
 * in one pane moves the other two (a guard stops the echo from looping).
 */
export function CompareViewer({ evaluationId, caseId }: { evaluationId: string; caseId: string }) {
  const [info, setInfo] = useState<ComparisonCaseDto | null>(null);
  const [modality, setModality] = useState('T1C');
  const [state, setState] = useState<{ status: 'loading' | 'ready' | 'error'; message?: string }>({ status: 'loading' });
  const canvases = [useRef<HTMLCanvasElement>(null), useRef<HTMLCanvasElement>(null), useRef<HTMLCanvasElement>(null)];

  // The workbench mounts one viewer per case (key), so the initial state is already "loading".
  useEffect(() => {
    let live = true;
    getComparisonCaseAction({ evaluationId, caseId }).then((r) => {
      if (!live) return;
      if (r.ok) setInfo(r.data);
      else setState({ status: 'error', message: r.error.message });
    });
    return () => void (live = false);
  }, [evaluationId, caseId]);

  useEffect(() => {
    if (!info) return;
    const ctrl = new AbortController();
    const viewers: MaskViewer[] = [];
    let syncing = false;
    (async () => {
      setState({ status: 'loading' });
      const volume = info.volumes.find((v) => v.modality === modality) ?? info.volumes[0];
      if (!volume) throw new Error('This case has no image volume.');
      const image = await fetchBytes(volume.url, ctrl.signal);
      let start: [number, number, number] | null = null;
      for (const [i, pane] of PANES.entries()) {
        const url = info.masks[pane.which];
        const canvas = canvases[i].current;
        if (!url || !canvas) continue;
        const v = await MaskViewer.create(canvas);
        if (ctrl.signal.aborted) return v.destroy(); // unmounted while NiiVue attached: the cleanup has already run
        viewers.push(v);
        await v.addVolume(volume.modality, image.slice(0));
        const mask = await v.decodeMask(await fetchBytes(url, ctrl.signal));
        v.setMask(mask);
        v.setLabelStyle(STYLE);
        start ??= centroid(mask, v.grid().dims);
      }
      viewers.forEach((v, i) =>
        v.onCrosshairMove((vox) => {
          if (syncing) return;
          syncing = true;
          viewers.forEach((o, j) => j !== i && o.moveCrosshairTo(vox));
          syncing = false;
        }),
      );
      if (start) viewers[0]?.moveCrosshairTo(start);
      setState({ status: 'ready' });
    })().catch((e: unknown) => {
      if (!ctrl.signal.aborted) setState({ status: 'error', message: e instanceof Error ? e.message : String(e) });
    });
    return () => {
      ctrl.abort();
      viewers.forEach((v) => v.destroy());
    };
    // canvases are stable refs
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [info, modality]);

  return (
    <section aria-label="Side-by-side viewer" data-testid="compare-viewer" data-status={state.status} className="rounded-lg border border-slate-200 bg-white p-3">
      <div className="mb-2 flex items-center gap-3 text-sm">
        <span className="font-medium">{info?.externalId ?? 'Loading case…'}</span>
        <label className="flex items-center gap-1">
          Image
          <select value={modality} onChange={(e) => setModality(e.target.value)} className="rounded border border-slate-300 px-1 py-0.5">
            {(info?.volumes ?? [{ modality: 'T1C' }]).map((v) => <option key={v.modality} value={v.modality}>{v.modality}</option>)}
          </select>
        </label>
        {state.status === 'loading' && <span className="text-slate-500">loading…</span>}
        {state.status === 'error' && <span role="alert" className="text-red-700">{state.message}</span>}
      </div>
      <div className="grid gap-2 md:grid-cols-3">
        {PANES.map((p, i) => (
          <figure key={p.which} className="flex flex-col" data-pane={p.which}>
            <figcaption className="mb-1 text-xs font-medium text-slate-600">{p.title}{info && !info.masks[p.which] ? ' — none' : ''}</figcaption>
            <div className="h-80 bg-black"><canvas ref={canvases[i]} /></div>
          </figure>
        ))}
      </div>
    </section>
  );
}
