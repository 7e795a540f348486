/**
 * Who may do what. Isomorphic so the UI can hide controls, but every server page, action and route handler checks
 * the same table itself (lib/server/auth): hiding a button is never the protection.
 */
export const ROLES = ['RADIOLOGIST', 'PHYSICIAN', 'ML_ENGINEER', 'ADMIN'] as const;
export type RoleName = (typeof ROLES)[number];

const ALL: readonly RoleName[] = ROLES;
const CLINICAL: readonly RoleName[] = ['RADIOLOGIST', 'PHYSICIAN'];
const ML: readonly RoleName[] = ['ML_ENGINEER', 'ADMIN'];

export const PERMISSIONS = {
  'case:view': ALL,
  'case:ingest': ALL,
  'case:flag': [...CLINICAL, 'ADMIN'],
  'case:assign': ['RADIOLOGIST', 'ADMIN'],
  'review:view': ALL,
  'label:edit': ['RADIOLOGIST'],
  'label:review': ['RADIOLOGIST'],
  'monitoring:view': ALL,
  'dataset:view': [...ML, 'RADIOLOGIST'],
  'dataset:manage': ML,
  'model:view': ML,
  'model:promote': ML,
  /** register a model from outside the trainer (npm run model:import, the import page) */
  'model:register': ML,
  'prediction:view-hidden': ML,
  'run:view': ML,
  'run:start': ML,
  'criteria:edit': ML,
  'audit:view': ML,
  'user:manage': ['ADMIN'],
  /** assign a DICOM study's series to sequences by hand (the "needs a decision" list) */
  'dicom:decide': ['RADIOLOGIST', 'ML_ENGINEER', 'ADMIN'],
  /** edit the series classification rules */
  'dicom:rules': ML,
  /**
   * export a case's shown prediction or approved label as DICOM SEG, download it and send it to the PACS; the SEG
   * carries the patient's name and IDs (it must sit in the source study), so clinical reading roles and ML only
   */
  'seg:export': ['RADIOLOGIST', 'ML_ENGINEER', 'ADMIN'],
} as const satisfies Record<string, readonly RoleName[]>;

export type Permission = keyof typeof PERMISSIONS;

/** What an API token may do beyond its owner's role: send cases, view, or everything the role may. */
export const TOKEN_SCOPES = ['INGEST', 'READ', 'ROLE'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function can(role: RoleName | undefined | null, permission: Permission): boolean {
  return !!role && (PERMISSIONS[permission] as readonly RoleName[]).includes(role);
}

export interface NavItem {
  href: string;
  label: string;
  permission: Permission;
}

export const NAV_ITEMS: NavItem[] = [
  { href: '/cases', label: 'Cases', permission: 'case:view' },
  { href: '/review', label: 'Review queue', permission: 'review:view' },
  { href: '/monitoring', label: 'Monitoring', permission: 'monitoring:view' },
  { href: '/datasets', label: 'Datasets', permission: 'dataset:view' },
  { href: '/models', label: 'Models', permission: 'model:view' },
  { href: '/runs', label: 'Runs', permission: 'run:view' },
  { href: '/dicom/decisions', label: 'DICOM studies', permission: 'dicom:decide' },
  { href: '/dicom/pacs', label: 'PACS', permission: 'case:ingest' },
  { href: '/audit', label: 'Audit log', permission: 'audit:view' },
  { href: '/admin/users', label: 'Administration', permission: 'user:manage' },
];

export function navFor(role: RoleName | undefined | null): NavItem[] {
  return NAV_ITEMS.filter((item) => can(role, item.permission));
}

export const ROLE_LABELS: Record<RoleName, string> = {
  RADIOLOGIST: 'Radiologist',
  PHYSICIAN: 'Physician',
  ML_ENGINEER: 'ML engineer',
  ADMIN: 'Administrator',
};
