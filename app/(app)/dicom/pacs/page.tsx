import { requirePageUser } from '@/lib/server/auth/session';
import { pacsConfig } from '@/lib/server/dicom/pacs/config';
import { queryPacsStudies, type PacsStudy } from '@/lib/server/dicom/pacs/pull';
import { env } from '@/lib/server/env';
import { isAppError } from '@/lib/server/errors';
import { PageHeader } from '@/components/ui/PageHeader';
import { EmptyState } from '@/components/ui/EmptyState';
import { PacsStudyTable } from '@/components/dicom/PacsStudyTable';

export const dynamic = 'force-dynamic';

const day = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v.replaceAll('-', '') : undefined);

export default async function PacsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser('case:ingest');
  const q = await searchParams;
  const pacs = pacsConfig();
  let studies: PacsStudy[] = [];
  let problem: string | null = null;
  if (pacs) {
    try {
      studies = await queryPacsStudies(user, { from: day(q.from), to: day(q.to) });
    } catch (e) {
      if (!isAppError(e)) throw e;
      problem = e.userMessage;
    }
  }
  const minutes = env().PACS_POLL_MINUTES;
  return (
    <>
      <PageHeader
        title="PACS"
        subtitle={
          pacs
            ? `MR studies of ${pacs.url}. ${minutes > 0 ? `New studies are pulled every ${minutes} min;` : 'No scheduled pull (PACS_POLL_MINUTES);'} a study already received is never ingested twice.`
            : undefined
        }
      />
      {!pacs ? (
        <EmptyState title="No PACS is configured">Set PACS_DICOMWEB_URL (and PACS_USERNAME/PACS_PASSWORD or PACS_BEARER_TOKEN).</EmptyState>
      ) : (
        <div className="space-y-4">
          <form className="flex flex-wrap items-end gap-3 text-sm" aria-label="Study date range">
            <label>
              <span className="block text-xs text-slate-500">Study date from</span>
              <input type="date" name="from" defaultValue={typeof q.from === 'string' ? q.from : ''} className="rounded border px-2 py-1" />
            </label>
            <label>
              <span className="block text-xs text-slate-500">to</span>
              <input type="date" name="to" defaultValue={typeof q.to === 'string' ? q.to : ''} className="rounded border px-2 py-1" />
            </label>
            <button type="submit" className="rounded border border-slate-300 px-3 py-1">
              Query
            </button>
          </form>
          {problem ? (
            <p role="alert" className="text-red-700">
              {problem}
            </p>
          ) : studies.length === 0 ? (
            <EmptyState title="No MR studies">The PACS lists no MR study in this range.</EmptyState>
          ) : (
            <PacsStudyTable studies={studies.map(({ modalities: _m, ...s }) => s)} />
          )}
        </div>
      )}
    </>
  );
}
