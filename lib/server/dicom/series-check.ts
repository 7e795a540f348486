import 'server-only';
import type { DicomInstance } from './scan';

/**
 * Checks on a series before conversion, for what dcm2niix converts with only a warning on stderr (a missing slice
 * gives a volume with a wrong slice spacing or a split series) or refuses with a terse line (an unsupported
 * compression). Each returns the reason the series is set aside, or null.
 */

/** Transfer syntaxes the pinned dcm2niix decodes (built with OpenJPEG and CharLS: `dcm2niix -v`). */
const SUPPORTED: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

/** Names for the refusals people will meet, so the message says more than a UID. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 RPCL Lossless',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.4.110': 'JPEG XL Lossless',
  '1.2.840.10008.1.2.4.111': 'JPEG XL JPEG Recompression',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
  '1.2.840.10008.1.2.4.100': 'MPEG2 video',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 video',
};

export function transferSyntaxName(uid: string): string {
  return SUPPORTED[uid] ?? KNOWN_UNSUPPORTED[uid] ?? 'unknown transfer syntax';
}

export function transferSyntaxProblem(instances: DicomInstance[]): string | null {
  const unsupported = [...new Set(instances.map((i) => i.transferSyntaxUid))].filter((uid) => !(uid in SUPPORTED));
  if (!unsupported.length) return null;
  const named = unsupported.map((uid) => `${transferSyntaxName(uid)} (${uid || 'none given'})`).join(', ');
  return `compressed with ${named}, which the converter cannot decode; send it uncompressed, JPEG, JPEG-LS, JPEG 2000 or RLE`;
}

/**
 * The slices of a series: one per single-frame image, or the frames of one enhanced multi-frame object (whose frames
 * share one orientation). Null when there is nothing to compare (mixed objects, several stacks).
 */
function slicesOf(instances: DicomInstance[]): { orientation: number[]; positions: number[][] } | null {
  const single = instances.filter((i) => i.numberOfFrames === 1 && i.position && i.orientation);
  if (single.length === instances.length && single.length)
    return { orientation: single[0].orientation!, positions: single.map((i) => i.position!) };
  const frames = instances.length === 1 ? instances[0].frames : null;
  return frames?.orientation ? { orientation: frames.orientation, positions: frames.positions } : null;
}

/**
 * A gap in the slice positions of a series: positions are projected on the slice normal, sorted, and a step over 1.5
 * times the median step is a missing slice (the volume would otherwise be resampled wrongly). Positions repeated over
 * time (a 4D multi-frame object) count once.
 */
export function missingSliceProblem(instances: DicomInstance[]): string | null {
  const slices = slicesOf(instances);
  if (!slices || slices.positions.length < 3) return null;
  const o = slices.orientation;
  const normal = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
  const distances = [...new Set(slices.positions.map((p) => dot(normal, p).toFixed(3)))].map(Number).sort((a, b) => a - b);
  if (distances.length < 3) return null;
  const steps = distances.slice(1).map((d, k) => d - distances[k]);
  const median = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)];
  const gaps = steps.map((s, k) => ({ s, k })).filter(({ s }) => s > 1.5 * median);
  if (!gaps.length) return null;
  const missing = gaps.reduce((n, { s }) => n + Math.round(s / median) - 1, 0);
  const first = gaps[0];
  return (
    `${missing} slice${missing === 1 ? '' : 's'} missing: the slice positions jump from ${distances[first.k].toFixed(1)} to ` +
    `${distances[first.k + 1].toFixed(1)} mm where the spacing is ${median.toFixed(2)} mm; send the complete series`
  );
}

const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
