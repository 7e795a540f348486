/**
 * Population thresholds for e2e/monitoring.spec.ts, written into the e2e database (run with the e2e environment):
 *   tsx --conditions=react-server tests/drift/e2e-monitoring-settings.ts sensitive|default
 * The e2e seed has a handful of cases; with windows of 5 cases, no minimum size and a PSI warning level this low,
 * the production windows raise alerts, so the page's grouping and links can be walked. `default` removes the row.
 */
import { db, disconnectDb } from '@/lib/server/db';
import { DRIFT_SETTINGS_KEY, parseDriftSettings } from '@/lib/server/drift/settings';
import { retryBusy } from '@/scripts/scenario/busy';

const SENSITIVE = { population: { windowCases: 5, minWindowCases: 2, psiWarn: 0.01, psiAlert: 0.01, ksAlpha: 0.5 } };

async function main(mode: string | undefined) {
  if (mode === 'default') {
    await retryBusy(() => db().setting.deleteMany({ where: { key: DRIFT_SETTINGS_KEY } }));
    return console.log('[e2e] drift settings: defaults');
  }
  if (mode !== 'sensitive') throw new Error('usage: e2e-monitoring-settings.ts sensitive|default');
  const value = SENSITIVE;
  parseDriftSettings(value); // refuses a value the app would refuse
  await retryBusy(() =>
    db().setting.upsert({ where: { key: DRIFT_SETTINGS_KEY }, create: { key: DRIFT_SETTINGS_KEY, value }, update: { value } }),
  );
  console.log('[e2e] drift settings: sensitive population thresholds');
}

main(process.argv[2])
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
