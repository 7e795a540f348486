import 'server-only';

/**
 * The part of pdfkit's document API (pdfkit@0.20.2, MIT) the evidence PDF uses: text, vector paths and the table
 * module (real ruled tables that break across pages). Declared here because pdfkit ships no types and is loaded by a
 * runtime import (pdf.ts).
 */
export interface PdfCellStyle {
  text?: string;
  font?: { src?: string; size?: number };
  backgroundColor?: string;
  textColor?: string;
  width?: number;
}

export interface PdfTableOptions {
  data: (string | PdfCellStyle)[][];
  defaultStyle?: PdfCellStyle & { border?: number; borderColor?: string; padding?: number | number[] };
  rowStyles?: (i: number) => PdfCellStyle;
  columnStyles?: (i: number) => PdfCellStyle;
}

export interface PdfTextOptions {
  continued?: boolean;
  width?: number;
  align?: 'left' | 'right' | 'center';
  lineBreak?: boolean;
}

export interface PdfDoc {
  x: number;
  y: number;
  page: { width: number; height: number; margins: { left: number; right: number; top: number; bottom: number }; maxY(): number };
  font(name: string): PdfDoc;
  fontSize(size: number): PdfDoc;
  fillColor(color: string): PdfDoc;
  strokeColor(color: string): PdfDoc;
  lineWidth(w: number): PdfDoc;
  text(text: string, options?: PdfTextOptions): PdfDoc;
  text(text: string, x: number, y: number, options?: PdfTextOptions): PdfDoc;
  rect(x: number, y: number, w: number, h: number): PdfDoc;
  moveTo(x: number, y: number): PdfDoc;
  lineTo(x: number, y: number): PdfDoc;
  fill(color?: string): PdfDoc;
  stroke(): PdfDoc;
  save(): PdfDoc;
  restore(): PdfDoc;
  addPage(): PdfDoc;
  moveDown(lines?: number): PdfDoc;
  table(opts: PdfTableOptions): PdfDoc;
  on(event: 'data' | 'end' | 'error', cb: (arg: never) => void): void;
  end(): void;
}

export type PdfCtor = new (options: { size: string; margin: number; info: Record<string, string | Date>; compress?: boolean }) => PdfDoc;
