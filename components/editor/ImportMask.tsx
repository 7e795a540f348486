'use client';
import { useState } from 'react';
import { LABEL_MAPS } from '@/lib/labels';

export interface ImportMaskProps {
  disabled: boolean;
  onImport(file: File, labelMap: string): void;
}

/** Imports a NIfTI mask as a new version; the server validates its grid and remaps its labels with the chosen map. */
export function ImportMask(p: ImportMaskProps) {
  const [file, setFile] = useState<File | null>(null);
  const [map, setMap] = useState('brats2023');
  return (
    <form
      className="flex flex-wrap items-center gap-1 text-sm"
      aria-label="Import a mask"
      onSubmit={(e) => {
        e.preventDefault();
        if (file) p.onImport(file, map);
      }}
    >
      <input
        type="file"
        accept=".nii,.nii.gz,.gz"
        aria-label="Mask file"
        className="max-w-44 text-xs"
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
      />
      <select
        aria-label="Label convention"
        value={map}
        onChange={(e) => setMap(e.target.value)}
        className="rounded border border-slate-300 px-1"
      >
        {Object.keys(LABEL_MAPS).map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40"
        disabled={p.disabled || !file}
        title={p.disabled ? 'Save or undo your edits first' : 'Import as a new version'}
      >
        Import
      </button>
    </form>
  );
}
