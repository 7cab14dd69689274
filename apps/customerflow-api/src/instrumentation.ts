/**
 * OpenTelemetry, started before anything else is loaded so the HTTP instrumentation sees the `http` module.
 * It makes an incoming `traceparent` the active context of the request, which is how the trace reaches the outbox
 * rows and, through the relay, RabbitMQ subscribers. Spans are exported only when an OTLP endpoint is configured
 * (the standard OTEL_* variables); otherwise the context still propagates. Metrics are scraped from GET /metrics.
 */
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { prometheusExporter } from '@customerflow/platform';

if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT && !process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) process.env.OTEL_TRACES_EXPORTER ??= 'none';
process.env.OTEL_METRICS_EXPORTER ??= 'none';
process.env.OTEL_LOGS_EXPORTER ??= 'none';

// Metrics go to GET /metrics; installed before the instrumentation so HTTP server metrics land there too.
prometheusExporter();

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'customerflow-api',
  instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url?.startsWith('/health') ?? false })],
});

if (process.env.OTEL_SDK_DISABLED !== 'true') {
  sdk.start();
  process.once('beforeExit', () => void sdk.shutdown());
}
