'use client';
import { LABEL_COLOURS } from '@/lib/labels';
import type { ToolName } from '@/lib/editor/shortcuts';
import type { EditLabel, OverwriteRule } from '@/lib/editor/types';

export const MODALITIES = ['T1C', 'T1N', 'T2W', 'T2F'] as const;
export type Modality = (typeof MODALITIES)[number];
export const MODALITY_NAMES: Record<Modality, string> = { T1N: 'T1', T1C: 'T1 contrast', T2W: 'T2', T2F: 'FLAIR' };
export const LABEL_NAMES: Record<EditLabel, string> = { 1: 'NCR', 2: 'ED', 3: 'ET' };
export const LABEL_TITLES: Record<EditLabel, string> = { 1: 'Necrotic / non-enhancing core', 2: 'Edema', 3: 'Enhancing tumour' };
export const COLOURS = LABEL_COLOURS as Record<EditLabel, [number, number, number]>;

/** What the tools do, as the toolbar sets it. The mask logic reads it; it holds no mask data. */
export interface ToolSettings {
  tool: ToolName;
  label: EditLabel;
  sizeMm: number;
  sphere: boolean;
  protection: OverwriteRule;
  eraseAnyLabel: boolean;
  fill3d: boolean;
  threshold: { enabled: boolean; modality: Modality; lo: number; hi: number };
  islandsMinMl: number;
  islandsScope: 'all' | 'active';
}

export const DEFAULT_SETTINGS: ToolSettings = {
  tool: 'brush',
  label: 2,
  sizeMm: 5,
  sphere: false,
  protection: { mode: 'any' },
  eraseAnyLabel: false,
  fill3d: false,
  threshold: { enabled: false, modality: 'T1C', lo: 0, hi: 0 },
  islandsMinMl: 0.1,
  islandsScope: 'all',
};

export const SIZE_STEPS = [1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50];

export function nextSize(current: number, delta: 1 | -1): number {
  const i = SIZE_STEPS.findIndex((s) => s >= current);
  const at = i < 0 ? SIZE_STEPS.length - 1 : i;
  return SIZE_STEPS[Math.min(SIZE_STEPS.length - 1, Math.max(0, at + delta))];
}

/** Overwrite protection cycles: any -> background only -> over NCR -> over ED -> over ET -> any. */
export const PROTECTIONS: { key: string; rule: OverwriteRule; text: string }[] = [
  { key: 'any', rule: { mode: 'any' }, text: 'Paint over anything' },
  { key: 'background', rule: { mode: 'background' }, text: 'Background only' },
  { key: 'label-1', rule: { mode: 'label', label: 1 }, text: 'Only over NCR' },
  { key: 'label-2', rule: { mode: 'label', label: 2 }, text: 'Only over ED' },
  { key: 'label-3', rule: { mode: 'label', label: 3 }, text: 'Only over ET' },
];

export function protectionKey(rule: OverwriteRule): string {
  return rule.mode === 'label' ? `label-${rule.label}` : rule.mode;
}

export interface ViewSettings {
  /** multi3d: the three views and a 3D render of the image and the edited mask; render: the 3D render alone */
  layout: 'multi' | 'multi3d' | 'axial' | 'coronal' | 'sagittal' | 'render';
  modality: Modality;
  opacity: number;
  visible: Record<EditLabel, boolean>;
  windows: Partial<Record<Modality, [number, number]>>;
}

export const DEFAULT_VIEW: ViewSettings = {
  layout: 'multi',
  modality: 'T1C',
  opacity: 0.6,
  visible: { 1: true, 2: true, 3: true },
  windows: {},
};

/** Colours of the diff overlay: added green, removed red, relabelled orange. */
export const DIFF_STYLE_COLOURS: Record<EditLabel, [number, number, number]> = { 1: [40, 220, 90], 2: [240, 50, 50], 3: [255, 150, 0] };
