/**
 * W3C trace context without the full OpenTelemetry SDK. When no OTLP endpoint is configured, the service does not
 * start the SDK (its require hooks and span bookkeeping cost a quarter of a millisecond per request), yet an
 * incoming `traceparent` must still reach the outbox rows and the messages. This installs the W3C propagator and
 * an AsyncLocalStorage context manager (once per process) and a request hook that makes the request's trace context
 * the active one. With the SDK running, its HTTP instrumentation has already done so and the hook steps aside.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

let installed = false;

export function installTraceContextPropagation(): void {
  if (installed) return;
  installed = true;
  // Both calls are no-ops when the SDK registered its own first, which is what we want then.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/**
 * A Fastify hook. Registered as `preHandler`: Fastify reads the body from stream events, whose callbacks do not
 * run in the context an earlier hook entered, while the handler runs synchronously from this hook's `done`.
 */
export function traceContextHook(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  if (trace.getSpan(context.active()) || request.headers.traceparent === undefined) return done();
  context.with(propagation.extract(context.active(), request.headers), done);
}
