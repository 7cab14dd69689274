/**
 * Rate limits per caller with @nestjs/throttler: the token's subject when auth is on, the client address when it is
 * off. Two budgets per minute: RATE_LIMIT_PER_MINUTE for everything, and RATE_LIMIT_SENSITIVE_PER_MINUTE, counted
 * apart, for erasure (DELETE) and the outbox admin endpoints. Each response says where the caller stands in the
 * `RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset` headers (IETF httpapi draft); over the limit it is a
 * 429 problem with `Retry-After`. Counters live in this process: with N replicas behind a balancer a caller gets up
 * to N times the budget, which is a bound on abuse, not a quota.
 */
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
import type { AppConfig } from '../config/app-config';
import type { AuthenticatedRequest } from '../auth/auth.guard';

interface ThrottledRequest extends AuthenticatedRequest {
  method: string;
  url: string;
  ip?: string;
}

const WINDOW_MS = 60_000;

export function rateLimitOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    storage: new FixedWindowStorage(),
    throttlers: [
      {
        name: 'default',
        ttl: WINDOW_MS,
        limit: (context) =>
          isSensitive(request(context)) ? config.rateLimit.sensitivePerMinute : config.rateLimit.perMinute,
      },
    ],
  };
}

@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override headerPrefix = 'RateLimit';

  /** HTTP only: commands consumed from RabbitMQ (the hybrid app's RPC handlers) are not a caller's requests. */
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(context.getType() !== 'http');
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const { caller, ip } = req as unknown as ThrottledRequest;
    return Promise.resolve(caller ? `sub:${caller.subject}` : `ip:${ip ?? 'unknown'}`);
  }

  /** One counter per caller and budget, not per route: the limit is on the caller's whole traffic. */
  protected override generateKey(context: ExecutionContext, tracker: string): string {
    return `${isSensitive(request(context)) ? 'sensitive' : 'default'}:${tracker}`;
  }
}

function request(context: ExecutionContext): ThrottledRequest {
  return context.switchToHttp().getRequest<ThrottledRequest>();
}

function isSensitive(request: ThrottledRequest): boolean {
  return request.method === 'DELETE' || request.url.startsWith('/v1/admin/');
}

/**
 * One counter per caller and window, O(1) per request. The library's default storage keeps every hit's expiry in an
 * array it filters on each request: at a busy caller's few thousand requests a minute that is most of the cost of a
 * request. A fixed window lets a caller burst up to twice the limit across a window boundary; for a bound on abuse
 * that is fine. Idle windows are swept every minute.
 */
export class FixedWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, { hits: number; endsAt: number; blockedUntil: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), WINDOW_MS);
    this.sweeper.unref();
  }

  increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || (window.endsAt <= now && window.blockedUntil <= now)) {
      window = { hits: 0, endsAt: now + ttl, blockedUntil: 0 };
      this.windows.set(key, window);
    }
    if (window.blockedUntil <= now) {
      window.hits++;
      if (window.hits > limit) window.blockedUntil = now + blockDuration;
    }
    const blocked = window.blockedUntil > now;
    return Promise.resolve({
      totalHits: window.hits,
      timeToExpire: Math.max(0, Math.ceil((window.endsAt - now) / 1000)),
      isBlocked: blocked,
      timeToBlockExpire: blocked ? Math.ceil((window.blockedUntil - now) / 1000) : 0,
    });
  }

  private sweep(now = Date.now()): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now && window.blockedUntil <= now) this.windows.delete(key);
    }
  }
}
