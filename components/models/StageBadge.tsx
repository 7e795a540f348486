import { Badge } from '@/components/ui/Badge';

const STAGE_TONE = { PRODUCTION: 'good', CANARY: 'warn', SHADOW: 'info', CANDIDATE: 'neutral', ARCHIVED: 'neutral', REJECTED: 'bad' } as const;

export function StageBadge({ stage }: { stage: string }) {
  return <Badge tone={STAGE_TONE[stage as keyof typeof STAGE_TONE] ?? 'neutral'}>{stage}</Badge>;
}
