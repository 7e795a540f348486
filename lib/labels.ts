/**
 * BraTS label conventions. The product stores 1 = NCR, 2 = ED, 3 = ET. A label map is data, so that importers
 * and metrics can read other conventions (BraTS 2020: ET = 4; BraTS 2024: NETC/SNFH/ET/RC) without code changes.
 */

export type RegionName = 'WT' | 'TC' | 'ET';

export interface LabelMap {
  name: string;
  /** label value -> short name, for every foreground label the convention defines */
  labels: Record<number, string>;
  /** region -> the label values it contains */
  regions: Record<RegionName, number[]>;
  /** label value -> product label value (1 NCR, 2 ED, 3 ET), used when importing into the product convention */
  toProduct: Record<number, number>;
}

export const PRODUCT_LABELS = { NCR: 1, ED: 2, ET: 3 } as const;

export const LABEL_MAPS: Record<string, LabelMap> = {
  brats2023: {
    name: 'brats2023',
    labels: { 1: 'NCR', 2: 'ED', 3: 'ET' },
    regions: { WT: [1, 2, 3], TC: [1, 3], ET: [3] },
    toProduct: { 1: 1, 2: 2, 3: 3 },
  },
  brats2020: {
    name: 'brats2020',
    labels: { 1: 'NCR', 2: 'ED', 4: 'ET' },
    regions: { WT: [1, 2, 4], TC: [1, 4], ET: [4] },
    toProduct: { 1: 1, 2: 2, 4: 3 },
  },
  brats2024: {
    name: 'brats2024',
    // NETC = non-enhancing tumour core, SNFH = surrounding FLAIR hyperintensity, RC = resection cavity
    labels: { 1: 'NETC', 2: 'SNFH', 3: 'ET', 4: 'RC' },
    regions: { WT: [1, 2, 3], TC: [1, 3], ET: [3] },
    toProduct: { 1: 1, 2: 2, 3: 3 },
  },
};

export const PRODUCT_LABEL_MAP = LABEL_MAPS.brats2023;

export const LABEL_COLOURS: Record<number, [number, number, number]> = {
  1: [255, 64, 64], // NCR red
  2: [64, 200, 64], // ED green
  3: [255, 220, 0], // ET yellow
};

export function getLabelMap(name: string): LabelMap {
  const map = LABEL_MAPS[name];
  if (!map) throw new Error(`Unknown label map "${name}". Known: ${Object.keys(LABEL_MAPS).join(', ')}`);
  return map;
}

/** Remap a mask from `map` into the product convention; throws on a label the map does not define. */
export function remapToProduct(mask: Uint8Array, map: LabelMap): Uint8Array {
  const lut = new Int16Array(256).fill(-1);
  lut[0] = 0;
  for (const [from, to] of Object.entries(map.toProduct)) lut[Number(from)] = to;
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    const v = lut[mask[i]];
    if (v < 0) throw new Error(`Label ${mask[i]} is not in label map "${map.name}"`);
    out[i] = v;
  }
  return out;
}
