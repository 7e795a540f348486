'use client';
import { useState } from 'react';
import type { ActionResult } from '@/lib/action-result';

export type Feedback = { ok: boolean; text: string } | null;

/**
 * Pending state, the outcome message and per-field errors of one server action call: every admin form and row
 * control shows an ActionResult the same way.
 */
export function useSubmit() {
  const [pending, setPending] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});

  async function submit<T>(call: () => Promise<ActionResult<T>>, success: (data: T) => string | null = () => null): Promise<T | null> {
    setPending(true);
    setFeedback(null);
    setFieldErrors({});
    try {
      const r = await call();
      if (r.ok) {
        const text = success(r.data);
        setFeedback(text ? { ok: true, text } : null);
        return r.data;
      }
      const fields = r.error.fieldErrors ?? {};
      // A message that only repeats a field's error is said once, under the field.
      const repeated = Object.values(fields).some((errors) => errors.includes(r.error.message));
      setFeedback({ ok: false, text: repeated ? 'Please correct the highlighted fields.' : r.error.message });
      setFieldErrors(fields);
      return null;
    } finally {
      setPending(false);
    }
  }

  return { pending, feedback, fieldErrors, submit, clear: () => (setFeedback(null), setFieldErrors({})) };
}
