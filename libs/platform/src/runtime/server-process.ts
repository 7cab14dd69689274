/**
 * How each of the service's server processes starts, before its app is loaded (each app's instrumentation.ts, the
 * first import of its main.ts): the garbage collector tuned for a server, `.env` read (in development), then
 * OpenTelemetry, before anything loads `http` (see startOpenTelemetry).
 */
import { loadDotEnvOrExit } from '../config/dot-env';
import { startOpenTelemetry } from '../observability/open-telemetry';
import { keepRequestGarbageYoung } from './garbage-collector';

export function prepareServerProcess(defaultServiceName: string): void {
  keepRequestGarbageYoung();
  loadDotEnvOrExit();
  startOpenTelemetry(defaultServiceName);
}
