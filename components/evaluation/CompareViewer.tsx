'use client';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useNiivue, type ViewerHandle } from '@/components/viewer/useNiivue';
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
  let n = 0,
    sx = 0,
    sy = 0,
    sz = 0;
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

type Pane = ViewerHandle<Uint8Array>;
type VolumeBytes = (url: string) => Promise<ArrayBuffer>;

function volumeFor(info: ComparisonCaseDto, modality: string) {
  const volume = info.volumes.find((v) => v.modality === modality) ?? info.volumes[0];
  if (!volume) throw new Error('This case has no image volume.');
  return volume;
}

/** One pane: the case image with one mask; a new modality is decoded into the same viewer and swapped in. */
function usePane(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  info: ComparisonCaseDto | null,
  which: MaskWhich,
  modality: string,
  volumeBytes: VolumeBytes,
): Pane {
  const url = info?.masks[which] ?? null;
  const pane = useNiivue<Uint8Array>({
    canvasRef,
    openKey: info,
    enabled: !!url,
    open: async ({ create, live, signal }) => {
      const volume = volumeFor(info!, modality);
      const image = volumeBytes(volume.url);
      const maskBytes = fetchBytes(url!, signal);
      maskBytes.catch(() => {}); // awaited below, unless the viewer could not be created
      const v = await create();
      await live(v.addVolume(volume.modality, await live(image)));
      const mask = await live(v.decodeMask(await live(maskBytes)));
      v.setMask(mask);
      v.setLabelStyle(STYLE);
      return mask;
    },
  });
  const [swapError, setSwapError] = useState<string | null>(null);
  const { viewer, swap } = pane;
  useEffect(() => {
    if (!viewer || !info) return;
    swap('volume', async (v, live) => {
      const volume = volumeFor(info, modality);
      if (!v.hasModality(volume.modality)) await live(v.addVolume(volume.modality, await live(volumeBytes(volume.url))));
      v.showModality(volume.modality);
    }).catch((e: unknown) => setSwapError(e instanceof Error ? e.message : String(e)));
  }, [viewer, swap, info, modality, volumeBytes]);
  return { ...pane, error: pane.error ?? swapError };
}

/**
 * Reference, production and candidate masks over the same image, side by side, with crosshairs kept in sync: moving
 * in one pane moves the other two (a guard stops the echo from looping).
 */
export function CompareViewer({ evaluationId, caseId }: { evaluationId: string; caseId: string }) {
  const [info, setInfo] = useState<ComparisonCaseDto | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const [modality, setModality] = useState('T1C');
  const referenceCanvas = useRef<HTMLCanvasElement>(null);
  const baselineCanvas = useRef<HTMLCanvasElement>(null);
  const candidateCanvas = useRef<HTMLCanvasElement>(null);
  const canvases = [referenceCanvas, baselineCanvas, candidateCanvas];

  // The workbench mounts one viewer per case (key), so the initial state is already "loading".
  useEffect(() => {
    let live = true;
    getComparisonCaseAction({ evaluationId, caseId }).then((r) => {
      if (!live) return;
      if (r.ok) setInfo(r.data);
      else setInfoError(r.error.message);
    });
    return () => void (live = false);
  }, [evaluationId, caseId]);

  // One download per volume, shared by the panes; each decodes its own copy (NiiVue keeps the buffer it is given).
  const downloads = useRef(new Map<string, Promise<ArrayBuffer>>());
  const volumeBytes = useCallback<VolumeBytes>((url) => {
    let p = downloads.current.get(url);
    if (!p) {
      p = fetchBytes(url);
      p.catch(() => downloads.current.delete(url));
      downloads.current.set(url, p);
    }
    return p.then((b) => b.slice(0));
  }, []);

  const reference = usePane(referenceCanvas, info, 'reference', modality, volumeBytes);
  const baseline = usePane(baselineCanvas, info, 'baseline', modality, volumeBytes);
  const candidate = usePane(candidateCanvas, info, 'candidate', modality, volumeBytes);
  const panes = [reference, baseline, candidate];
  const failed = infoError ?? panes.find((p) => p.error && p.status !== 'lost')?.error ?? null;
  const status = failed
    ? 'error'
    : !info
      ? 'loading'
      : panes.some((p) => p.status === 'lost')
        ? 'lost'
        : panes.every((p) => p.status === 'ready' || p.status === 'idle')
          ? 'ready'
          : 'loading';
  const message = failed ?? panes.find((p) => p.status === 'lost')?.error;

  const ready = status === 'ready';
  useEffect(() => {
    if (!ready) return;
    const shown = [reference, baseline, candidate].filter((p) => p.viewer && p.data);
    const viewers = shown.map((p) => p.viewer!);
    let syncing = false;
    viewers.forEach((v, i) =>
      v.onCrosshairMove((vox) => {
        if (syncing) return;
        syncing = true;
        viewers.forEach((o, j) => j !== i && o.moveCrosshairTo(vox));
        syncing = false;
      }),
    );
    const start = shown[0] && centroid(shown[0].data!, shown[0].viewer!.grid().dims);
    if (start) viewers[0].moveCrosshairTo(start);
    return () => viewers.forEach((v) => v.onCrosshairMove(() => {}));
    // the panes' viewers and masks are what matters; the pane objects are new on every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, reference.viewer, baseline.viewer, candidate.viewer]);

  return (
    <section
      aria-label="Side-by-side viewer"
      data-testid="compare-viewer"
      data-status={status}
      className="rounded-lg border border-slate-200 bg-white p-3"
    >
      <div className="mb-2 flex items-center gap-3 text-sm">
        <span className="font-medium">{info?.externalId ?? 'Loading case…'}</span>
        <label className="flex items-center gap-1">
          Image
          <select value={modality} onChange={(e) => setModality(e.target.value)} className="rounded border border-slate-300 px-1 py-0.5">
            {(info?.volumes ?? [{ modality: 'T1C' }]).map((v) => (
              <option key={v.modality} value={v.modality}>
                {v.modality}
              </option>
            ))}
          </select>
        </label>
        {status === 'loading' && <span className="text-slate-500">loading…</span>}
        {status === 'error' && (
          <span role="alert" className="text-red-700">
            {message}
          </span>
        )}
        {status === 'lost' && (
          <span role="status" className="text-amber-800">
            {message}
          </span>
        )}
      </div>
      <div className="grid gap-2 md:grid-cols-3">
        {PANES.map((p, i) => (
          <figure key={p.which} className="flex flex-col" data-pane={p.which}>
            <figcaption className="mb-1 text-xs font-medium text-slate-600">
              {p.title}
              {info && !info.masks[p.which] ? ' — none' : ''}
            </figcaption>
            <div className="h-80 bg-black">
              <canvas ref={canvases[i]} />
            </div>
          </figure>
        ))}
      </div>
    </section>
  );
}
