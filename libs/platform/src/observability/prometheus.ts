/**
 * Metrics for Prometheus: one exporter per process, read by `GET /metrics` (it starts no server of its own), behind
 * the global OpenTelemetry MeterProvider that nestjs-otel's MetricService and the HTTP instrumentation write to.
 */
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
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
