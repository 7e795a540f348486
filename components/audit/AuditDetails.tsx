import Link from 'next/link';
import { auditFields, type AuditValue } from './fields';

function Value({ value }: { value: AuditValue }) {
  if (value.href)
    return (
      <Link href={value.href} className="font-mono text-xs text-blue-700 underline" title={value.title}>
        {value.text}
      </Link>
    );
  return value.mono ? (
    <code className="rounded bg-slate-100 px-1 font-mono text-xs text-slate-700" title={value.title}>
      {value.text}
    </code>
  ) : (
    <span title={value.title}>{value.text}</span>
  );
}

/** An audit event's data as label: value lines (see fields.ts for how each value is shown). */
export function AuditDetails({ data }: { data: unknown }) {
  const fields = auditFields(data);
  if (fields.length === 0) return <span className="text-slate-400">—</span>;
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-xs">
      {fields.map((f, i) => (
        <div key={`${f.label}-${i}`} className="contents">
          <dt className="text-slate-500">{f.label}</dt>
          <dd className="flex flex-wrap items-baseline gap-1 text-slate-800">
            {f.values.map((v, j) => (
              <Value key={j} value={v} />
            ))}
            {f.more > 0 && <span className="text-slate-400">+{f.more} more</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
