import { Badge } from '@/components/ui/Badge';
import type { FlagDto } from '@/lib/server/flags';
import { FLAG_REASON_LABELS } from '@/lib/flags';

/** The flags raised on a case, newest first, with who raised them and on which model's prediction. */
export function FlagList({ flags }: { flags: FlagDto[] }) {
  if (flags.length === 0) return <p className="text-sm text-slate-500">No flags on this case.</p>;
  return (
    <ul aria-label="Flags" className="space-y-2">
      {flags.map((f) => (
        <li key={f.id} className="rounded border border-slate-200 bg-white p-3 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone="bad">{FLAG_REASON_LABELS[f.reason]}</Badge>
            <span className="text-slate-600">
              {f.author.name} ({f.author.role.toLowerCase().replace('_', ' ')}),{' '}
              <time dateTime={f.createdAt}>{new Date(f.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC</time>
            </span>
            {f.model && <span className="text-xs text-slate-500">on {f.model}</span>}
          </div>
          {f.note && <p className="mt-1 whitespace-pre-wrap">{f.note}</p>}
        </li>
      ))}
    </ul>
  );
}
