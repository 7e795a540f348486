import 'server-only';
import { db } from '../db';
import type { RegistrationRecord } from './coregister';

export interface RegistrationSummary {
  modality: string;
  reference: string;
  used: RegistrationRecord['used'];
  miBefore: number;
  miAfter: number;
  rotationDeg: number[];
  translationMm: number[];
}

/** The case's co-registered sequences, for the case page and the drift report (empty: all acquired on one grid). */
export async function caseRegistrations(caseId: string): Promise<RegistrationSummary[]> {
  const volumes = await db().volume.findMany({
    where: { caseId, registration: { not: undefined } },
    select: { modality: true, registration: true },
  });
  return volumes.flatMap((v) => {
    const r = v.registration as RegistrationRecord | null;
    if (!r || typeof r !== 'object' || typeof r.miBefore !== 'number') return [];
    return [
      {
        modality: v.modality,
        reference: r.reference,
        used: r.used,
        miBefore: r.miBefore,
        miAfter: r.miAfter,
        rotationDeg: r.rotationDeg,
        translationMm: r.translationMm,
      },
    ];
  });
}
