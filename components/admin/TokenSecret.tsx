'use client';
import { useState } from 'react';
import { smallButton } from './Feedback';

/** A new token's secret, shown once: only its hash is stored, so nobody can show it again. */
export function TokenSecret({ token, onDismiss }: { token: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      setCopied(false); // no clipboard (an insecure origin): the field is selectable
    }
  }
  return (
    <div role="region" aria-label="New API token" className="mb-6 max-w-4xl rounded-lg border border-amber-300 bg-amber-50 p-4">
      <p className="mb-2 text-sm font-medium text-amber-900">
        This token is shown once: copy it now. It cannot be shown again; if it is lost, revoke it and create another.
      </p>
      <div className="flex items-center gap-2">
        <input
          readOnly
          value={token}
          aria-label="Token secret"
          data-testid="token-secret"
          onFocus={(e) => e.currentTarget.select()}
          className="flex-1 rounded border border-amber-300 bg-white px-2 py-1 font-mono text-xs"
        />
        <button type="button" onClick={copy} className={smallButton}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onDismiss} className={smallButton}>
          I have copied it
        </button>
      </div>
    </div>
  );
}
