/** CaseStats that sit at the centre of tests/drift/card-fixture.ts's reference, to be perturbed one field at a time. */
import { INTENSITY_LEVELS } from '@/lib/server/drift/intensity';
import type { CaseStats } from '@/lib/server/drift/types';

export function inDistributionCase(): CaseStats {
  const q = INTENSITY_LEVELS.map((l) => 800 * l);
  return {
    meta: {
      modalities: ['T1N', 'T1C', 'T2W', 'T2F'],
      dims: [240, 240, 155],
      spacingMm: [1, 1, 1],
      orientation: 'LPS',
      datatype: 'int16',
      site: 'A',
      manufacturer: 'Siemens',
      fieldStrengthT: 3,
    },
    image: { intensity: { T1N: [...q], T1C: [...q], T2W: [...q], T2F: [...q] }, levels: INTENSITY_LEVELS, brainVolumeMl: 1400 },
    output: {
      volumesMl: { NCR: 12, ED: 50, ET: 10, TC: 22, WT: 72 },
      componentCounts: { WT: 1, TC: 1, ET: 1 },
      uncertainty: 0.2,
      features: [0.5, 0.5, 0.5, 0.5],
    },
  };
}
