import { Badge } from '@/components/ui/Badge';

const TONE = { PASS: 'good', FAIL: 'bad', PENDING: 'warn', NOT_EVALUATED: 'neutral' } as const;
const TEXT = { PASS: 'PASS', FAIL: 'FAIL', PENDING: 'PENDING', NOT_EVALUATED: 'NOT EVALUATED' } as const;

/** A verdict of the gate, a criterion or an evaluation run; `blocking` marks a "not evaluated" that counts as a failure. */
export function VerdictBadge({ verdict, blocking }: { verdict: string | null; blocking?: boolean }) {
  if (!verdict) return <Badge>none</Badge>;
  const v = verdict as keyof typeof TONE;
  return (
    <span data-verdict={verdict}>
      <Badge tone={blocking ? 'bad' : (TONE[v] ?? 'neutral')}>{(TEXT[v] ?? verdict) + (blocking ? ' (blocking)' : '')}</Badge>
    </span>
  );
}
