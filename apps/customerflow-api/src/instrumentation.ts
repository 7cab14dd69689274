/**
 * Runs first: the garbage collector's tuning for a server (see keepRequestGarbageYoung), `.env` (in development), then
 * OpenTelemetry before anything loads `http` (see startOpenTelemetry).
 */
import { keepRequestGarbageYoung, loadDotEnvOrExit, startOpenTelemetry } from '@customerflow/platform';

keepRequestGarbageYoung();
loadDotEnvOrExit();
startOpenTelemetry('customerflow-api');
