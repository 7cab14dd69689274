/**
 * What each route demands of its caller, declared next to the route: `@OpenRoute()` (probes, metrics, the API
 * documents) or `@RequireScope('customers:read')`. The AuthGuard reads it; a route that declares nothing still needs
 * a valid token, so forgetting the decorator never opens a route.
 */
import { SetMetadata } from '@nestjs/common';

export const ROUTE_ACCESS = 'customerflow:route-access';

export type RouteAccess = { readonly kind: 'open' } | { readonly kind: 'scope'; readonly scope: string };

export const OpenRoute = () => SetMetadata(ROUTE_ACCESS, { kind: 'open' } satisfies RouteAccess);

export const RequireScope = (scope: string) =>
  SetMetadata(ROUTE_ACCESS, { kind: 'scope', scope } satisfies RouteAccess);
