/**
 * Metrics for Prometheus: one exporter per process, read by `GET /metrics` (it starts no server of its own), behind
 * the global OpenTelemetry MeterProvider that nestjs-otel's MetricService and the HTTP instrumentation write to.
 */
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

let exporter: PrometheusExporter | null = null;

/** Installs the global MeterProvider once per process and returns the exporter that renders it. */
export function prometheusExporter(): PrometheusExporter {
  if (!exporter) {
    exporter = new PrometheusExporter({ preventServerStart: true });
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
  }
  return exporter;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const serializer = new PrometheusSerializer();

/**
 * The current metrics in the text exposition format, for a `GET /metrics` handler that returns it as a string:
 * independent of the HTTP adapter, which the exporter's own request handler is not.
 */
export async function renderPrometheusMetrics(): Promise<string> {
  const { resourceMetrics } = await prometheusExporter().collect();
  return serializer.serialize(resourceMetrics);
}
