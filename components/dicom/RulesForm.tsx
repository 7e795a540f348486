'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { saveDicomRulesAction } from '@/lib/actions/dicom';

/** The classification rules as JSON: the server validates the whole set (and names the first problem) before saving. */
export function RulesForm({ initial, defaults }: { initial: string; defaults: string }) {
  const router = useRouter();
  const [text, setText] = useState(initial);
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setPending(true);
    const r = await saveDicomRulesAction({ json: text });
    setPending(false);
    setMessage(
      r.ok
        ? { ok: true, text: `Saved ${r.data.rules} rules; they apply to studies received from now on.` }
        : { ok: false, text: r.error.message },
    );
    if (r.ok) router.refresh();
  }

  return (
    <form
      onSubmit={onSubmit}
      aria-label="Classification rules"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
    >
      <textarea
        aria-label="Rules (JSON)"
        className="h-[32rem] w-full rounded border border-slate-300 p-2 font-mono text-xs"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className="rounded bg-blue-700 px-3 py-1.5 text-white disabled:opacity-50">
          {pending ? 'Saving…' : 'Save rules'}
        </button>
        <button type="button" className="rounded border border-slate-300 px-3 py-1.5" onClick={() => setText(defaults)}>
          Load the defaults
        </button>
        {message && (
          <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'text-green-700' : 'text-red-700'}>
            {message.text}
          </p>
        )}
      </div>
    </form>
  );
}
