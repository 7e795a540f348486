import type { RegistrationSummary } from '@/lib/server/imaging/coregister-queries';

const mm = (v: number[]) => Math.hypot(...v).toFixed(1);
const deg = (v: number[]) => Math.max(...v.map(Math.abs)).toFixed(1);

/** How the volumes were prepared before inference: co-registration (with its MI figures) and skull-stripping. */
export function CasePreprocessing({ registrations }: { registrations: RegistrationSummary[] }) {
  return (
    <section aria-label="Preprocessing" className="mb-4 text-sm text-slate-600">
      <p data-testid="coregistration">
        {registrations.length === 0
          ? 'Co-registration: not needed (all sequences acquired on one grid).'
          : `Co-registration onto ${registrations[0].reference}: ` +
            registrations
              .map((r) =>
                r.used === 'registration'
                  ? `${r.modality} moved ${mm(r.translationMm)} mm / ${deg(r.rotationDeg)}°, mutual information ${r.miBefore.toFixed(3)} → ${r.miAfter.toFixed(3)}`
                  : `${r.modality} resampled by its header alone (registration did not improve MI ${r.miBefore.toFixed(3)})`,
              )
              .join('; ')}
      </p>
      <p data-testid="skull-stripping">Skull-stripping: none configured (volumes are used as received).</p>
    </section>
  );
}
