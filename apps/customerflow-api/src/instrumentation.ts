/**
 * OpenTelemetry, set up before anything else is loaded. With an OTLP endpoint configured (the standard OTEL_*
 * variables), the SDK starts with the HTTP instrumentation and exports spans. Without one, only W3C trace-context
 * propagation is installed: an incoming `traceparent` still reaches the outbox rows and the messages, at a fraction
 * of the SDK's per-request cost. Metrics are always available at GET /metrics.
 */
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { installTraceContextPropagation, maskUrl, prometheusExporter } from '@customerflow/platform';

// Installed before the instrumentation, so HTTP server metrics land in the Prometheus exporter too.
prometheusExporter();

const exportsTraces = Boolean(
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
);

if (exportsTraces && process.env.OTEL_SDK_DISABLED !== 'true') {
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'customerflow-api',
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => request.url?.startsWith('/health') ?? false,
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
} else {
  installTraceContextPropagation();
}
