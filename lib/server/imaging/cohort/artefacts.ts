import 'server-only';

/**
 * Rigid motion during a 2D acquisition: part of k-space sees the head shifted along the phase-encode axis (here j,
 * anterior-posterior), which smears edges, and periodic motion adds an N/2 ghost: a faint copy shifted by half the
 * field of view that lands in the background. Returns a new volume.
 */
export function applyMotion(
  img: Int16Array,
  dims: [number, number, number],
  spacingY: number,
  motion: { ghost: number; blur: number; shiftMm: number },
): Int16Array {
  const [nx, ny, nz] = dims;
  const out = new Int16Array(img.length);
  const shift = Math.max(1, Math.round(motion.shiftMm / spacingY));
  const half = Math.floor(ny / 2);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const row = (k * ny + j) * nx;
      const moved = (k * ny + Math.min(ny - 1, j + shift)) * nx;
      const ghost = (k * ny + ((j + half) % ny)) * nx;
      for (let i = 0; i < nx; i++) {
        const v = (1 - motion.blur) * img[row + i] + motion.blur * img[moved + i] + motion.ghost * img[ghost + i];
        out[row + i] = Math.min(32767, Math.round(v));
      }
    }
  return out;
}
