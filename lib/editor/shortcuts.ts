/**
 * Keyboard shortcuts of the mask editor, as data: the toolbar shows the same table, and tests check it has no clashes.
 * Letters follow the segment editors radiologists know where they agree (B brush, E eraser, F fill, Ctrl+Z undo).
 */
export type EditorCommand =
  | { kind: 'tool'; tool: ToolName }
  | { kind: 'label'; label: 1 | 2 | 3 }
  | { kind: 'size'; delta: 1 | -1 }
  | { kind: 'toggleSphere' }
  | { kind: 'toggleThreshold' }
  | { kind: 'cycleProtection' }
  | { kind: 'toggleLabelVisibility'; label: 1 | 2 | 3 }
  | { kind: 'interpolate' }
  | { kind: 'removeIslands' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'save' }
  | { kind: 'nextModality' }
  | { kind: 'opacity'; delta: 1 | -1 }
  | { kind: 'zoom'; delta: 1 | -1 }
  | { kind: 'fit' }
  | { kind: 'shortcutSheet' }
  | { kind: 'nextCase' };

export type ToolName = 'navigate' | 'brush' | 'eraser' | 'fill';

export interface Shortcut {
  keys: string;
  description: string;
  command: EditorCommand;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'N', description: 'Navigate (move crosshair)', command: { kind: 'tool', tool: 'navigate' } },
  { keys: 'B', description: 'Brush', command: { kind: 'tool', tool: 'brush' } },
  { keys: 'E', description: 'Eraser', command: { kind: 'tool', tool: 'eraser' } },
  { keys: 'F', description: 'Flood fill', command: { kind: 'tool', tool: 'fill' } },
  { keys: '1', description: 'Active label NCR', command: { kind: 'label', label: 1 } },
  { keys: '2', description: 'Active label ED', command: { kind: 'label', label: 2 } },
  { keys: '3', description: 'Active label ET', command: { kind: 'label', label: 3 } },
  { keys: ']', description: 'Larger brush', command: { kind: 'size', delta: 1 } },
  { keys: '[', description: 'Smaller brush', command: { kind: 'size', delta: -1 } },
  { keys: 'S', description: 'Toggle 2D disc / 3D sphere brush', command: { kind: 'toggleSphere' } },
  { keys: 'T', description: 'Toggle intensity-threshold painting', command: { kind: 'toggleThreshold' } },
  { keys: 'P', description: 'Cycle overwrite protection', command: { kind: 'cycleProtection' } },
  { keys: 'Shift+1', description: 'Show/hide NCR', command: { kind: 'toggleLabelVisibility', label: 1 } },
  { keys: 'Shift+2', description: 'Show/hide ED', command: { kind: 'toggleLabelVisibility', label: 2 } },
  { keys: 'Shift+3', description: 'Show/hide ET', command: { kind: 'toggleLabelVisibility', label: 3 } },
  { keys: 'I', description: 'Fill between slices (active label)', command: { kind: 'interpolate' } },
  { keys: 'R', description: 'Remove small islands', command: { kind: 'removeIslands' } },
  { keys: 'Ctrl+Z', description: 'Undo', command: { kind: 'undo' } },
  { keys: 'Ctrl+Shift+Z', description: 'Redo', command: { kind: 'redo' } },
  { keys: 'Ctrl+Y', description: 'Redo', command: { kind: 'redo' } },
  { keys: 'Ctrl+S', description: 'Save version', command: { kind: 'save' } },
  { keys: 'M', description: 'Next modality', command: { kind: 'nextModality' } },
  { keys: '.', description: 'More overlay opacity', command: { kind: 'opacity', delta: 1 } },
  { keys: ',', description: 'Less overlay opacity', command: { kind: 'opacity', delta: -1 } },
  { keys: '=', description: 'Zoom in', command: { kind: 'zoom', delta: 1 } },
  { keys: '-', description: 'Zoom out', command: { kind: 'zoom', delta: -1 } },
  { keys: '0', description: 'Fit the image to the views', command: { kind: 'fit' } },
  { keys: 'Shift+N', description: 'Next case in the review queue', command: { kind: 'nextCase' } },
  { keys: 'Shift+?', description: 'Show the keyboard and mouse shortcuts', command: { kind: 'shortcutSheet' } },
];

/** Mouse gestures on the views: not key presses, but listed beside them (the shortcut sheet, the view hints). */
export const MOUSE_GESTURES: { keys: string; description: string }[] = [
  { keys: 'Wheel', description: 'Next / previous slice' },
  { keys: 'Ctrl+wheel', description: 'Zoom (Cmd+wheel on macOS)' },
  { keys: 'Middle drag', description: 'Pan' },
  { keys: 'Space+drag', description: 'Pan' },
  { keys: 'Ctrl+click', description: 'Move the crosshair without leaving the tool' },
  { keys: 'Right drag', description: 'Contrast from the boxed region' },
];

/** How a key is written for people: "Shift+?" is typed as "?". */
export function displayKeys(keys: string): string {
  return keys === 'Shift+?' ? '?' : keys;
}

export interface KeyLike {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

/** Canonical name of a key press, e.g. "Ctrl+Shift+Z"; Cmd counts as Ctrl so macOS users get the same keys. */
export function keyName(e: KeyLike): string {
  // With Shift, e.key is "!" for "1" on US layouts: use the physical digit instead.
  const digit = e.code?.match(/^Digit(\d)$/)?.[1];
  const base = digit ?? (e.key.length === 1 ? e.key.toUpperCase() : e.key);
  return [(e.ctrlKey || e.metaKey) && 'Ctrl', e.shiftKey && 'Shift', e.altKey && 'Alt', base].filter(Boolean).join('+');
}

export function commandForKey(e: KeyLike): EditorCommand | null {
  const name = keyName(e);
  return SHORTCUTS.find((s) => s.keys === name)?.command ?? null;
}

export function shortcutFor(predicate: (c: EditorCommand) => boolean): string | null {
  const keys = SHORTCUTS.find((s) => predicate(s.command))?.keys;
  return keys ? displayKeys(keys) : null;
}
