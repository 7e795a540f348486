import 'server-only';
import { env } from '../../env';
import { AppError } from '../../errors';

export interface PacsConfig {
  /** DICOMweb root without a trailing slash */
  url: string;
  /** the Authorization header value, if the PACS needs one */
  authorization: string | null;
}

/** The configured PACS, or null when none is (PACS_DICOMWEB_URL unset). */
export function pacsConfig(): PacsConfig | null {
  const e = env();
  if (!e.PACS_DICOMWEB_URL) return null;
  const authorization = e.PACS_BEARER_TOKEN
    ? `Bearer ${e.PACS_BEARER_TOKEN}`
    : e.PACS_USERNAME
      ? `Basic ${Buffer.from(`${e.PACS_USERNAME}:${e.PACS_PASSWORD ?? ''}`).toString('base64')}`
      : null;
  return { url: e.PACS_DICOMWEB_URL.replace(/\/+$/, ''), authorization };
}

export function requirePacs(): PacsConfig {
  const config = pacsConfig();
  if (!config) throw new AppError('UNAVAILABLE', 'No PACS is configured: set PACS_DICOMWEB_URL (and its credentials) to query one.');
  return config;
}
