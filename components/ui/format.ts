export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16);
}

export function formatMl(ml: number | null | undefined): string {
  return ml == null ? '—' : `${ml.toFixed(1)} mL`;
}
