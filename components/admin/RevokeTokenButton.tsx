'use client';
import { revokeApiTokenAction } from '@/lib/actions/admin';
import { FeedbackLine, smallButton } from './Feedback';
import { useSubmit } from './use-submit';

export function RevokeTokenButton({ tokenId, name, owner }: { tokenId: string; name: string; owner: string }) {
  const { pending, feedback, submit } = useSubmit();
  async function onClick() {
    if (!window.confirm(`Revoke the token "${name}" of ${owner}? Clients using it are refused from their next request.`)) return;
    await submit(() => revokeApiTokenAction({ tokenId }));
  }
  return (
    <span className="inline-flex flex-col gap-1">
      <button type="button" onClick={onClick} disabled={pending} aria-label={`Revoke ${name}`} className={smallButton}>
        {pending ? 'Revoking…' : 'Revoke'}
      </button>
      <FeedbackLine feedback={feedback} className="text-xs" />
    </span>
  );
}
