/**
 * `npm run legacy:capture -- install|uninstall|status`: the opt-in triggers that announce the changes the legacy
 * application makes in the mapped tables as CustomerFlow's own events (README, "Events for legacy writes").
 * Exit code 0 when done (status: installed and current), 1 when refused or failed (status: stale or not installed).
 */
import {
  CaptureNotSupported,
  CaptureRefused,
  captureStatus,
  describeCaptureStatus,
  installCapture,
  uninstallCapture,
} from '@customerflow/customers';
import { fail, runCommand } from './cli-support';

const [, , action] = process.argv;

void runCommand(async (config, dataSource) => {
  if (action !== 'install' && action !== 'uninstall' && action !== 'status')
    fail('usage: npm run legacy:capture -- install | uninstall | status');
  const map = config.schemaMap;
  if (!map)
    fail('legacy:capture announces writes to the tables of a schema map: set SCHEMA_MAP_FILE (and DATABASE_URL).');
  console.log(`legacy:capture ${action} ${map.customers.table}${map.addresses ? ` and ${map.addresses.table}` : ''}`);
  try {
    if (action === 'install') {
      const report = await installCapture(dataSource, map);
      console.log(`  ${report.binaryLog}`);
      if (report.dropped.length > 0)
        console.log(`  dropped ${report.dropped.length} earlier trigger(s): ${report.dropped.join(', ')}`);
      for (const trigger of report.plan.triggers)
        console.log(`  created ${trigger.name}: ${trigger.timing} ${trigger.event} ON ${trigger.table}`);
      console.log(describeCaptureStatus(await captureStatus(dataSource, map)));
    } else if (action === 'uninstall') {
      const dropped = await uninstallCapture(dataSource);
      for (const trigger of dropped) console.log(`  dropped ${trigger}`);
      console.log(dropped.length === 0 ? '  nothing to drop' : `  ${dropped.length} trigger(s) dropped`);
      console.log(describeCaptureStatus(await captureStatus(dataSource, map)));
    } else {
      const status = await captureStatus(dataSource, map);
      for (const trigger of status.installed) console.log(`  ${trigger}`);
      console.log(describeCaptureStatus(status));
      if (status.state !== 'current') process.exitCode = 1;
    }
  } catch (error) {
    if (error instanceof CaptureRefused || error instanceof CaptureNotSupported) fail(error.message);
    throw error;
  }
});
