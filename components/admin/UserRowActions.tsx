'use client';
import { useState } from 'react';
import { changeRoleAction, clearLoginLockAction, resetPasswordAction, setUserActiveAction } from '@/lib/actions/admin';
import { ROLE_LABELS, ROLES, type RoleName } from '@/lib/permissions';
import { FeedbackLine, Field, inputClass, smallButton } from './Feedback';
import { useSubmit } from './use-submit';

export interface AdminUserRow {
  id: string;
  email: string;
  role: RoleName;
  active: boolean;
  lockedUntil: string | null;
}

/** The role of one account, changed on selection after a confirmation (the user's sessions are signed out). */
export function RoleSelect({ user }: { user: AdminUserRow }) {
  const { pending, feedback, submit } = useSubmit();
  const [value, setValue] = useState<RoleName>(user.role);
  async function onChange(e: React.ChangeEvent<HTMLSelectElement>) {
    const role = e.target.value as RoleName;
    if (!window.confirm(`Make ${user.email} ${ROLE_LABELS[role]}? Their open sessions are signed out.`)) return;
    setValue(role);
    const done = await submit(
      () => changeRoleAction({ userId: user.id, role }),
      () => `Now ${ROLE_LABELS[role]}.`,
    );
    if (!done) setValue(user.role);
  }
  return (
    <span className="flex flex-col gap-1">
      <select aria-label={`Role of ${user.email}`} value={value} onChange={onChange} disabled={pending} className={`${inputClass} text-sm`}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </select>
      <FeedbackLine feedback={feedback} className="text-xs" />
    </span>
  );
}

/** Deactivate, reactivate, reset the password, clear a sign-in lock. */
export function UserRowActions({ user }: { user: AdminUserRow }) {
  const { pending, feedback, submit } = useSubmit();
  const [resetting, setResetting] = useState(false);

  async function toggleActive() {
    const question = user.active
      ? `Deactivate ${user.email}? They are signed out at once and cannot sign in, and their API tokens stop working.`
      : `Reactivate ${user.email}?`;
    if (!window.confirm(question)) return;
    await submit(
      () => setUserActiveAction({ userId: user.id, active: !user.active }),
      (d) => `${user.email} ${d.active ? 'reactivated' : 'deactivated'}.`,
    );
  }

  async function clearLock() {
    await submit(
      () => clearLoginLockAction({ userId: user.id }),
      () => `Sign-in lock of ${user.email} cleared.`,
    );
  }

  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-1">
        <button type="button" onClick={toggleActive} disabled={pending} className={smallButton}>
          {user.active ? 'Deactivate' : 'Reactivate'}
        </button>
        <button type="button" onClick={() => setResetting((r) => !r)} aria-expanded={resetting} className={smallButton}>
          Reset password
        </button>
        {user.lockedUntil && (
          <button type="button" onClick={clearLock} disabled={pending} className={smallButton}>
            Clear lock
          </button>
        )}
      </div>
      {resetting && <ResetPasswordForm user={user} onDone={() => setResetting(false)} />}
      <FeedbackLine feedback={feedback} className="text-xs" />
    </div>
  );
}

function ResetPasswordForm({ user, onDone }: { user: AdminUserRow; onDone: () => void }) {
  const { pending, feedback, fieldErrors, submit } = useSubmit();
  const [done, setDone] = useState<string | null>(null);
  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password') ?? '');
    const ok = await submit(() => resetPasswordAction({ userId: user.id, password }));
    if (ok) setDone(`Password of ${user.email} reset; their sessions were signed out.`);
  }
  if (done) {
    return (
      <p role="status" className="text-xs text-emerald-700">
        {done}{' '}
        <button type="button" onClick={onDone} className="underline">
          Close
        </button>
      </p>
    );
  }
  return (
    <form onSubmit={onSubmit} aria-label={`Reset the password of ${user.email}`} className="flex flex-wrap items-start gap-1">
      <Field label={<span className="sr-only">New password for {user.email}</span>} errors={fieldErrors.password} className="text-xs">
        {(p) => (
          <input
            {...p}
            name="password"
            type="password"
            required
            autoComplete="new-password"
            placeholder="New password (12+ characters)"
            className={`${inputClass} text-xs`}
          />
        )}
      </Field>
      <button type="submit" disabled={pending} className={smallButton}>
        {pending ? 'Saving…' : 'Set password'}
      </button>
      <button type="button" onClick={onDone} className={smallButton}>
        Cancel
      </button>
      <FeedbackLine feedback={feedback} className="w-full text-xs" />
    </form>
  );
}
