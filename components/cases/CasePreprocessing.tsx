import type { RegistrationSummary } from '@/lib/server/imaging/coregister-queries';
import type { SkullStripSummary } from '@/lib/server/imaging/skull-strip-queries';

const mm = (v: number[]) => Math.hypot(...v).toFixed(1);
const deg = (v: number[]) => Math.max(...v.map(Math.abs)).toFixed(1);

/** How the volumes were prepared before inference: co-registration (with its MI figures) and skull-stripping. */
export function CasePreprocessing({ registrations, skullStrip }: { registrations: RegistrationSummary[]; skullStrip: SkullStripSummary }) {
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
      <SkullStripping s={skullStrip} />
    </section>
  );
}

function SkullStripping({ s }: { s: SkullStripSummary }) {
  const stripped = s.volumes.filter((v) => v.strippedBy || v.arrivedStripped);
  const unstripped = s.volumes.filter((v) => !v.strippedBy && !v.arrivedStripped).map((v) => v.modality);
  const how = (v: SkullStripSummary['volumes'][number]) =>
    v.arrivedStripped ? `${v.modality} arrived stripped` : `${v.modality} by ${v.strippedBy}`;
  const text =
    stripped.length && !unstripped.length && stripped.every((v) => v.arrivedStripped)
      ? 'Skull-stripping: input already skull-stripped (every sequence arrived without skull and is used as received).'
      : stripped.length && !unstripped.length && stripped.every((v) => v.strippedBy)
        ? `Skull-stripping: every sequence stripped by ${[...new Set(stripped.map((v) => v.strippedBy))].join(', ')} before storing.`
        : stripped.length
          ? `Skull-stripping: ${stripped.map(how).join(', ')}${unstripped.length ? `; ${unstripped.join(', ')} stored as received` : ''}.`
          : s.configured
            ? `Skull-stripping: not applied to this case (it arrived before ${s.configured} was configured); volumes are used as received.`
            : 'Skull-stripping: none configured (volumes are used as received).';
  const warn = s.requiredBy && unstripped.length > 0;
  return (
    <>
      <p data-testid="skull-stripping">{text}</p>
      {warn && (
        <p
          role="alert"
          data-testid="skull-stripping-required"
          className="mt-2 rounded border border-red-300 bg-red-50 p-2 font-semibold text-red-800"
        >
          The production model {s.requiredBy} requires skull-stripped input, but {unstripped.join(', ')}{' '}
          {unstripped.length > 1 ? 'were' : 'was'} not skull-stripped
          {s.configured ? '' : ' (no skull-stripping step is configured: set SKULL_STRIP_COMMAND)'}: its segmentation of this case is
          unvalidated.
        </p>
      )}
    </>
  );
}
