/**
 * The ways the monitoring page can split the production population, with the words shown in its "Split by" select.
 * Isomorphic plain data like lib/flags.ts: the page's query schema and the select (client) and the dashboard builder
 * (server) share one list, so a new key cannot reach one and not the other.
 *
 * site and scanner come from the case (any upload); the acquisition keys come from the DICOM sidecar stored on the
 * case's T1C volume (Volume.acquisition), falling back to the case's scanner columns where they exist, so a NIfTI
 * case with a scanner in its metadata still lands in its scanner model's segment.
 */
export const MONITORING_SPLITS = ['none', 'site', 'scanner', 'model', 'field', 'software', 'protocol'] as const;
export type MonitoringSplit = (typeof MONITORING_SPLITS)[number];

/** The splits read from the acquisition (the rest are case columns or no split). */
export type AcquisitionSplit = Extract<MonitoringSplit, 'model' | 'field' | 'software' | 'protocol'>;

export const MONITORING_SPLIT_LABELS: Record<MonitoringSplit, string> = {
  none: 'nothing',
  site: 'site',
  scanner: 'scanner',
  model: 'scanner model',
  field: 'field strength',
  software: 'scanner software version',
  protocol: 'T1C protocol (TR/TE)',
};
