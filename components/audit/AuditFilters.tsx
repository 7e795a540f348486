import Link from 'next/link';
import { AUDIT_FILTER_CHOICES } from '@/lib/server/audit/queries';
import { Options } from '@/components/ui/Options';
import { SearchForm } from '@/components/lists/SearchForm';

export interface AuditFilterValues {
  actor?: string;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
}

const field = 'rounded border border-slate-300 bg-white px-2 py-1';

/** The audit log's filters (actor, action, entity type, date range) and free-text search, as one GET form. */
export function AuditFilters({ values, q, keep }: { values: AuditFilterValues; q: string; keep: Record<string, string | undefined> }) {
  return (
    <>
      <SearchForm label="Filter the audit log" q={q} placeholder="Action or entity id" keep={keep}>
        <label>
          <span className="block text-xs text-slate-500">Actor</span>
          <input
            name="actor"
            defaultValue={values.actor}
            placeholder="e-mail, system, worker…"
            maxLength={100}
            className={`${field} w-48`}
          />
        </label>
        <label>
          <span className="block text-xs text-slate-500">Action</span>
          <select name="action" defaultValue={values.action ?? ''} className={field}>
            <option value="">any</option>
            <Options items={AUDIT_FILTER_CHOICES.actions.map((a) => ({ value: a, label: a }))} />
          </select>
        </label>
        <label>
          <span className="block text-xs text-slate-500">Entity</span>
          <select name="entity" defaultValue={values.entity ?? ''} className={field}>
            <option value="">any</option>
            <Options items={AUDIT_FILTER_CHOICES.entityTypes.map((t) => ({ value: t, label: t }))} />
          </select>
        </label>
        <label>
          <span className="block text-xs text-slate-500">From (UTC)</span>
          <input type="date" name="from" defaultValue={values.from} className={field} />
        </label>
        <label>
          <span className="block text-xs text-slate-500">To (UTC)</span>
          <input type="date" name="to" defaultValue={values.to} className={field} />
        </label>
      </SearchForm>
      {values.entityId && (
        <p className="-mt-2 mb-3 text-sm text-slate-600">
          Showing the history of {values.entity ?? 'entity'} <code className="font-mono text-xs">{values.entityId}</code> ·{' '}
          <Link className="text-blue-700 underline" href="/audit">
            all events
          </Link>
        </p>
      )}
    </>
  );
}
