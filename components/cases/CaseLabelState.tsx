import type { CaseLabelDto } from '@/lib/server/labels';
import { Badge } from '@/components/ui/Badge';
import { formatDateTime } from '@/components/ui/format';

const STATUS: Record<CaseLabelDto['status'], { text: string; tone: 'neutral' | 'info' | 'warn' | 'good' }> = {
  DRAFT: { text: 'LABEL DRAFT', tone: 'neutral' },
  IN_REVIEW: { text: 'IN REVIEW', tone: 'info' },
  RETURNED: { text: 'RETURNED', tone: 'warn' },
  APPROVED: { text: 'APPROVED', tone: 'good' },
};

/** Where the case's ground truth stands: once a label exists, that is the case's state, not "predicted". */
export function CaseLabelState({ label }: { label: CaseLabelDto }) {
  const s = STATUS[label.status];
  const head = label.headNumber ? `v${label.headNumber}` : 'the label';
  return (
    <span data-testid="case-label-state" data-status={label.status}>
      <Badge tone={s.tone}>{s.text}</Badge>{' '}
      <span className="text-slate-600">
        {label.status === 'APPROVED'
          ? `${head} approved by ${label.reviewerName ?? 'a radiologist'} on ${formatDateTime(label.approvedAt)} UTC`
          : label.status === 'IN_REVIEW'
            ? `${head} waits for a second reader`
            : label.status === 'RETURNED'
              ? `${head} was returned to its author`
              : `${head} is being edited`}
      </span>
    </span>
  );
}

/** The viewer's mask menu entries for the label versions, the approved ground truth first. */
export function labelVersionMasks(label: CaseLabelDto | null): { id: string; sha256: string; label: string }[] {
  if (!label) return [];
  const head = (v: CaseLabelDto['versions'][number]) =>
    v.isHead ? (label.status === 'APPROVED' ? ', approved ground truth' : `, head, ${STATUS[label.status].text.toLowerCase()}`) : '';
  return [...label.versions]
    .sort((a, b) => Number(b.isHead) - Number(a.isHead) || b.number - a.number)
    .map((v) => ({ id: `label-v${v.number}`, sha256: v.sha256, label: `Label v${v.number} by ${v.authorName}${head(v)}` }));
}
