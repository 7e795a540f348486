import { Badge } from '@/components/ui/Badge';

const TONE: Record<string, 'neutral' | 'good' | 'warn' | 'bad' | 'info'> = {
  QUEUED: 'neutral',
  RUNNING: 'info',
  SUCCEEDED: 'good',
  FAILED: 'bad',
  CANCELLED: 'warn',
};

export function RunStatusBadge({ status }: { status: string }) {
  return <Badge tone={TONE[status] ?? 'neutral'}>{status}</Badge>;
}
