/**
 * W3C trace context without the full OpenTelemetry SDK. When no OTLP endpoint is configured, the service does not
 * start the SDK (its require hooks and span bookkeeping cost a quarter of a millisecond per request), yet an
 * incoming `traceparent` must still reach the outbox rows and the messages. This installs the W3C propagator and
 * an AsyncLocalStorage context manager (once per process) and a middleware that makes the request's trace context
 * the active one. With the SDK running, its HTTP instrumentation has already done so and the middleware steps aside.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { NextFunction, Request, Response } from 'express';

let installed = false;

export function installTraceContextPropagation(): void {
  if (installed) return;
  installed = true;
  // Both calls are no-ops when the SDK registered its own first, which is what we want then.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

export function traceContextMiddleware(request: Request, _response: Response, next: NextFunction): void {
  if (trace.getSpan(context.active()) || request.headers.traceparent === undefined) return next();
  context.with(propagation.extract(context.active(), request.headers), next);
}
