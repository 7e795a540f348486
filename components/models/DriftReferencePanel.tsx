import Link from 'next/link';
import type { CalibrationRowDto, DriftReferenceInfoDto } from '@/lib/server/registry/calibration';
import { formatDateTime } from '@/components/ui/format';

const axes = (flips: number[][]) => (flips.length ? flips.map((f) => f.map((a) => 'XYZ'[a]).join('')).join(', ') : '—');

function CalibrationFacts({ c }: { c: CalibrationRowDto }) {
  const rows: [string, React.ReactNode][] = [
    [
      'Reference cases',
      c.datasetName ? (
        <span key="d">
          {c.cases} cases of dataset <strong>{c.datasetName}</strong>
        </span>
      ) : (
        `${c.cases} listed cases`
      ),
    ],
    ['Labelled', `${c.labelledCases} of ${c.cases}`],
    ['Volumes from', c.volumesFrom ?? '—'],
    ['Flip augmentation', `axes ${axes(c.flips)} (one extra inference per flip and case)`],
    ['Calibrated', `${formatDateTime(c.createdAt)} by ${c.createdBy} (${(c.durationMs / 1000).toFixed(0)} s)`],
    [
      'Cases',
      <span key="c" className="text-xs">
        {c.caseIds.slice(0, 12).map((id, i) => (
          <span key={id}>
            {i > 0 && ', '}
            <Link className="text-blue-700 underline" href={`/cases/${id}`}>
              {id.slice(0, 10)}
            </Link>
          </span>
        ))}
        {c.caseIds.length > 12 && ` and ${c.caseIds.length - 12} more`}
      </span>,
    ],
  ];
  return (
    <dl className="grid grid-cols-[12rem_1fr] gap-x-4 gap-y-1.5 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** What the drift checks compare this model's cases with: a hospital calibration, the trainer's training set, or nothing yet. */
export function DriftReferencePanel({ info }: { info: DriftReferenceInfoDto }) {
  return (
    <div aria-label="Drift reference" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      {info.source === 'calibration' && (
        <>
          <p>Calibrated on this hospital&apos;s reference cases (npm run model:calibrate); the registered card is unchanged.</p>
          <CalibrationFacts c={info.current} />
          {info.earlier.length > 0 && (
            <p className="text-xs text-slate-500">
              Earlier calibrations (no longer used):{' '}
              {info.earlier.map((e) => `${formatDateTime(e.createdAt)} by ${e.createdBy}, ${e.cases} cases${e.datasetName ? ` of ${e.datasetName}` : ''}`).join('; ')}
            </p>
          )}
        </>
      )}
      {info.source === 'trainer' && (
        <p>
          The trainer&apos;s training set: {info.train} training and {info.val} validation cases
          {info.snapshotId ? ` of snapshot ${info.snapshotId}` : ''}, as written in the model card. No flip or nesting reference: those checks do not run
          until the model is calibrated.
        </p>
      )}
      {info.source === 'uncalibrated' && (
        <p>
          <strong>Not calibrated.</strong> The card has no {info.missing.join(', ')} reference, so the drift checks that need them are reported as
          skipped. Run <code>npm run model:calibrate -- --model &lt;name@version&gt; --dataset &lt;reference dataset&gt;</code>.
        </p>
      )}
    </div>
  );
}
