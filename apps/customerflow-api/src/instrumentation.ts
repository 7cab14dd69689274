/**
 * Runs first: `.env` (in development), then OpenTelemetry before anything loads `http` (see startOpenTelemetry).
 */
import { loadDotEnvOrExit, startOpenTelemetry } from '@customerflow/platform';

loadDotEnvOrExit();
startOpenTelemetry('customerflow-api');
