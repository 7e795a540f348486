'use client';
import { useRef } from 'react';
import { createUserAction } from '@/lib/actions/admin';
import { ROLE_LABELS, ROLES } from '@/lib/permissions';
import { FeedbackLine, Field, inputClass, primaryButton } from './Feedback';
import { useSubmit } from './use-submit';

/** Creates an account; the server checks the email, role and password policy and answers per field. */
export function CreateUserForm() {
  const form = useRef<HTMLFormElement>(null);
  const { pending, feedback, fieldErrors, submit } = useSubmit();

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const input = Object.fromEntries(new FormData(e.currentTarget).entries());
    const created = await submit(
      () => createUserAction(input),
      (d) => `Created ${d.email}.`,
    );
    if (created) form.current?.reset();
  }

  return (
    <form
      ref={form}
      onSubmit={onSubmit}
      aria-label="Create a user"
      className="mb-8 grid max-w-4xl grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
    >
      <h2 className="col-span-full text-lg font-semibold">Create a user</h2>
      <Field label="Email" errors={fieldErrors.email}>
        {(p) => <input {...p} name="email" type="email" required autoComplete="off" className={inputClass} />}
      </Field>
      <Field label="Name" errors={fieldErrors.name}>
        {(p) => <input {...p} name="name" required autoComplete="off" className={inputClass} />}
      </Field>
      <Field label="Role" errors={fieldErrors.role}>
        {(p) => (
          <select {...p} name="role" defaultValue="RADIOLOGIST" className={inputClass}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Initial password" errors={fieldErrors.password}>
        {(p) => <input {...p} name="password" type="password" required autoComplete="new-password" className={inputClass} />}
      </Field>
      <div className="col-span-full flex items-center gap-4">
        <button type="submit" disabled={pending} className={primaryButton}>
          {pending ? 'Creating…' : 'Create user'}
        </button>
        <span className="text-xs text-slate-500">At least 12 characters and not a common password.</span>
      </div>
      <FeedbackLine feedback={feedback} className="col-span-full text-sm" />
    </form>
  );
}
