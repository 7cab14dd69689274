import { RequestMethod, type Type } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA, MODULE_METADATA } from '@nestjs/common/constants';
import { AuditInterceptor } from '@customerflow/platform';
import { AdminModule } from './admin/admin.module';
import { API_CONTROLLERS } from './app.module';

interface Route {
  readonly name: string;
  readonly method: RequestMethod;
  readonly audited: boolean;
}

function routesOf(controller: Type): Route[] {
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).flatMap((key) => {
    const handler = prototype[key];
    if (typeof handler !== 'function') return [];
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (method === undefined) return [];
    const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
    return [{ name: `${controller.name}.${key}`, method, audited: interceptors.includes(AuditInterceptor) }];
  });
}

const adminControllers = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, AdminModule) as Type[];
const routes = [...API_CONTROLLERS, ...adminControllers].flatMap(routesOf);

describe('the audit is bound per route', () => {
  it('finds the routes it checks', () => {
    expect(routes.map((r) => r.name)).toEqual(
      expect.arrayContaining(['RegisterCustomerController.register', 'GetCustomerController.get']),
    );
  });

  it.each(routes.filter((r) => r.method !== RequestMethod.GET).map((r) => [r.name]))(
    '%s changes something and is audited',
    (name) => {
      expect(routes.find((r) => r.name === name)?.audited).toBe(true);
    },
  );

  it('leaves the customer reads, probes and documents without it, so they pass no interceptor', () => {
    const reads = routes.filter((r) => r.method === RequestMethod.GET && !r.name.startsWith('OutboxAdmin'));
    expect(reads.length).toBeGreaterThanOrEqual(6);
    expect(reads.filter((r) => r.audited)).toEqual([]);
  });
});
