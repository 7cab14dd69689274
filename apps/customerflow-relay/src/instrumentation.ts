/**
 * Runs first: the process's start-up before the app loads (see prepareServerProcess).
 */
import { prepareServerProcess } from '@customerflow/platform';

prepareServerProcess('customerflow-relay');
