'use client';
import { useEffect, useRef } from 'react';
import { displayKeys, MOUSE_GESTURES, SHORTCUTS, type EditorCommand } from '@/lib/editor/shortcuts';

const GROUPS: { title: string; kinds: EditorCommand['kind'][] }[] = [
  { title: 'Tools', kinds: ['tool', 'size', 'toggleSphere', 'toggleThreshold', 'cycleProtection', 'interpolate', 'removeIslands'] },
  { title: 'Labels', kinds: ['label', 'toggleLabelVisibility', 'opacity'] },
  { title: 'View', kinds: ['nextModality', 'zoom', 'fit'] },
  { title: 'Edit and review', kinds: ['undo', 'redo', 'save', 'nextCase', 'shortcutSheet'] },
];

export interface ShortcutSheetProps {
  open: boolean;
  onClose(): void;
}

/** Every keyboard shortcut and mouse gesture of the editor, from the same table the keys and tooltips use. */
export function ShortcutSheet({ open, onClose }: ShortcutSheetProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-label="Keyboard shortcuts"
      onClose={onClose}
      onClick={(e) => e.target === ref.current && onClose()}
      className="m-auto max-h-[85vh] w-[min(56rem,95vw)] overflow-auto rounded-lg p-4 text-sm shadow-xl backdrop:bg-black/40"
    >
      <div className="mb-3 flex items-center justify-between">
        <h2 className="text-base font-semibold">Keyboard shortcuts</h2>
        <button type="button" className="rounded border border-slate-300 px-2 py-0.5" onClick={onClose}>
          Close (Esc)
        </button>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        {GROUPS.map((g) => (
          <Table key={g.title} title={g.title} rows={SHORTCUTS.filter((s) => g.kinds.includes(s.command.kind))} />
        ))}
        <Table title="Mouse" rows={MOUSE_GESTURES} />
      </div>
    </dialog>
  );
}

function Table({ title, rows }: { title: string; rows: { keys: string; description: string }[] }) {
  return (
    <section>
      <h3 className="mb-1 font-medium">{title}</h3>
      <table className="w-full">
        <tbody>
          {rows.map((r) => (
            <tr key={r.keys} className="border-t border-slate-100">
              <td className="py-0.5 pr-3 whitespace-nowrap">
                <kbd className="rounded border border-slate-300 bg-slate-50 px-1 font-mono text-xs">{displayKeys(r.keys)}</kbd>
              </td>
              <td className="py-0.5">{r.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
