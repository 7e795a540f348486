'use client';
import { useRef, useState } from 'react';
import { createApiTokenAction } from '@/lib/actions/admin';
import { FeedbackLine, Field, inputClass, primaryButton } from './Feedback';
import { TokenSecret } from './TokenSecret';
import { useSubmit } from './use-submit';
import { Options } from '@/components/ui/Options';

export interface TokenFormOptions {
  owners: { id: string; label: string }[];
  scopes: { value: string; label: string }[];
}

const EXPIRY = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'none', label: 'Never' },
];

/** Issues an API token for a machine client (a PACS bridge, `npm run ingest`) acting as its owner, narrowed by scope. */
export function CreateTokenForm({ options }: { options: TokenFormOptions }) {
  const form = useRef<HTMLFormElement>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const { pending, feedback, fieldErrors, submit } = useSubmit();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const input = Object.fromEntries(new FormData(e.currentTarget).entries());
    const out = await submit(() => createApiTokenAction(input));
    if (out) {
      setSecret(out.token);
      form.current?.reset();
    }
  }

  return (
    <>
      {secret && <TokenSecret token={secret} onDismiss={() => setSecret(null)} />}
      <form
        ref={form}
        onSubmit={onSubmit}
        aria-label="Create an API token"
        className="mb-8 grid max-w-4xl grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
      >
        <h2 className="col-span-full text-lg font-semibold">Create an API token</h2>
        <Field label="Owner" errors={fieldErrors.userId}>
          {(p) => (
            <select {...p} name="userId" defaultValue="" className={inputClass}>
              <option value="">Choose a user…</option>
              <Options items={options.owners.map((o) => ({ value: o.id, label: o.label }))} />
            </select>
          )}
        </Field>
        <Field label="Token name" errors={fieldErrors.name}>
          {(p) => <input {...p} name="name" required placeholder="e.g. pacs-bridge" autoComplete="off" className={inputClass} />}
        </Field>
        <Field label="Scope" errors={fieldErrors.scope}>
          {(p) => (
            <select {...p} name="scope" defaultValue="INGEST" className={inputClass}>
              <Options items={options.scopes.map((s) => ({ value: s.value, label: s.label }))} />
            </select>
          )}
        </Field>
        <Field label="Expires after" errors={fieldErrors.expiresDays}>
          {(p) => (
            <select {...p} name="expiresDays" defaultValue="90" className={inputClass}>
              <Options items={EXPIRY.map((x) => ({ value: x.value, label: x.label }))} />
            </select>
          )}
        </Field>
        <div className="col-span-full flex items-center gap-4">
          <button type="submit" disabled={pending} className={primaryButton}>
            {pending ? 'Creating…' : 'Create token'}
          </button>
          <span className="text-xs text-slate-500">The token acts as its owner; a deactivated owner&apos;s tokens stop working.</span>
        </div>
        <FeedbackLine feedback={feedback} className="col-span-full text-sm" />
      </form>
    </>
  );
}
