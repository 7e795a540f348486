'use client';
import { useId } from 'react';
import type { Feedback } from './use-submit';

export const inputClass = 'rounded border border-slate-300 px-2 py-1';
export const primaryButton = 'rounded bg-blue-700 px-3 py-1.5 text-sm text-white disabled:opacity-50';
export const smallButton = 'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50';

/** The outcome of an action: a status line when it worked, an alert when it did not. */
export function FeedbackLine({ feedback, className = '' }: { feedback: Feedback; className?: string }) {
  if (!feedback) return null;
  return (
    <p role={feedback.ok ? 'status' : 'alert'} className={`${feedback.ok ? 'text-emerald-700' : 'text-red-700'} ${className}`}>
      {feedback.text}
    </p>
  );
}

/** The errors of one field, under it. */
export function FieldError({ errors, id }: { errors?: string[]; id?: string }) {
  if (!errors?.length) return null;
  return (
    <span id={id} className="text-xs text-red-700">
      {errors.join(' ')}
    </span>
  );
}

export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
}

/**
 * A labelled control with its errors under it. The label points at the control (not around it), so the control's
 * accessible name is the label alone and its errors are its description.
 */
export function Field({
  label,
  errors,
  className = 'text-sm',
  children,
}: {
  label: React.ReactNode;
  errors?: string[];
  className?: string;
  children: (props: ControlProps) => React.ReactNode;
}) {
  const id = useId();
  const invalid = !!errors?.length;
  return (
    <div className={`flex flex-col gap-1 ${className}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': invalid, 'aria-describedby': invalid ? `${id}-errors` : undefined })}
      <FieldError id={`${id}-errors`} errors={errors} />
    </div>
  );
}
