'use client';
import { useEffect, useState, type RefObject } from 'react';
import type { MaskViewer } from '@/components/viewer/mask-viewer';
import type { Probe } from '@/components/viewer/view-navigation';
import { LABEL_NAMES, MODALITIES } from '../settings';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/**
 * What is under the mouse, as ITK-SNAP's cursor inspector shows it: voxel index (RAS grid), RAS position in mm, each
 * decoded sequence's intensity and the label there. It keeps its own state so that moving the mouse re-renders only
 * this line, at most once per frame.
 */
export function StatusLine({
  containerRef,
  viewer,
  mask,
}: {
  containerRef: RefObject<HTMLDivElement | null>;
  viewer: MaskViewer | null;
  mask: Uint8Array | null;
}) {
  const [probe, setProbe] = useState<Probe | null>(null);
  useEffect(() => {
    const el = containerRef.current;
    if (!el || !viewer) return;
    let frame = 0;
    let last: MouseEvent | null = null;
    const move = (e: MouseEvent) => {
      last = e;
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        if (last) setProbe(viewer.view.probe(last, mask));
      });
    };
    const leave = () => setProbe(null);
    // capture: painting tools stop mouse events on their way to the canvas, and the readout should still follow
    el.addEventListener('mousemove', move, { capture: true });
    el.addEventListener('mouseleave', leave);
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener('mousemove', move, { capture: true });
      el.removeEventListener('mouseleave', leave);
    };
  }, [containerRef, viewer, mask]);

  return (
    <p className="min-h-8 font-mono text-xs text-slate-700" data-testid="cursor-readout" aria-live="off">
      {probe ? (
        <>
          <span data-testid="readout-voxel">
            voxel {probe.vox[0]}, {probe.vox[1]}, {probe.vox[2]}
          </span>{' '}
          · <span data-testid="readout-mm">RAS {probe.mm.map((v) => v.toFixed(1)).join(', ')} mm</span>
          {MODALITIES.filter((m) => m in probe.values).map((m) => (
            <span key={m} data-testid={`readout-${m}`} data-value={probe.values[m]}>
              {' '}
              · {m} {fmt(probe.values[m])}
            </span>
          ))}{' '}
          · <span data-testid="readout-label">{probe.label ? LABEL_NAMES[probe.label as 1 | 2 | 3] : 'background'}</span>
        </>
      ) : (
        'Point at the image for voxel, position and intensities.'
      )}
    </p>
  );
}
