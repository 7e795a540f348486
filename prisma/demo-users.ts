/** Demo accounts, one per role. Their passwords are public (README): the demo is not for real patient data. */
export const DEMO_USERS = [
  { email: 'radiologist@demo.tumorwatch', name: 'Dr Rhea Radiologist', role: 'RADIOLOGIST', password: 'radiologist-demo' },
  { email: 'radiologist2@demo.tumorwatch', name: 'Dr Ravi Second-Reader', role: 'RADIOLOGIST', password: 'radiologist2-demo' },
  { email: 'physician@demo.tumorwatch', name: 'Dr Phil Physician', role: 'PHYSICIAN', password: 'physician-demo' },
  { email: 'mlengineer@demo.tumorwatch', name: 'Mia ML-Engineer', role: 'ML_ENGINEER', password: 'mlengineer-demo' },
  { email: 'admin@demo.tumorwatch', name: 'Ada Admin', role: 'ADMIN', password: 'administrator-demo' },
] as const;
