/**
 * OpenTelemetry for an entry point, started before anything else is loaded (each app's `instrumentation.ts`, the
 * first import of its main.ts). With an OTLP endpoint configured (the standard OTEL_* variables), the SDK starts with
 * the HTTP instrumentation and exports spans under OTEL_SERVICE_NAME. Without one, only W3C trace-context
 * propagation is installed: an incoming `traceparent` still reaches the outbox rows and the messages, at a fraction
 * of the SDK's per-request cost. Metrics are always served at GET /metrics, by the Prometheus exporter installed
 * here first so that the HTTP instrumentation's metrics land in it too.
 */
import type * as SdkNode from '@opentelemetry/sdk-node';
import type * as InstrumentationHttp from '@opentelemetry/instrumentation-http';
import { prometheusExporter } from './prometheus';
import { maskUrl } from './redaction';
import { installTraceContextPropagation } from './trace-context';

export function startOpenTelemetry(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): void {
  prometheusExporter();
  const exportsTraces = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (!exportsTraces || env.OTEL_SDK_DISABLED === 'true') {
    installTraceContextPropagation();
    return;
  }
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  // Loaded only here: every process imports this lib, and the SDK costs start-up time where nothing exports spans.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof SdkNode;
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof InstrumentationHttp;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? defaultServiceName,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are not worth a trace each.
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? ''),
        // The query holds personal data (email=, document=, q=): spans keep the path and the parameter names only.
        requestHook: (span, request) => {
          const url = 'url' in request ? request.url : undefined;
          if (!url || !url.includes('?')) return;
          const masked = maskUrl(url);
          span.setAttribute('http.target', masked);
          span.setAttribute('url.query', masked.slice(masked.indexOf('?') + 1));
          const host = 'headers' in request ? request.headers.host : undefined;
          if (host) {
            span.setAttribute('http.url', `http://${host}${masked}`);
            span.setAttribute('url.full', `http://${host}${masked}`);
          }
        },
      }),
    ],
  });
  sdk.start();
  process.once('beforeExit', () => void sdk.shutdown());
}
