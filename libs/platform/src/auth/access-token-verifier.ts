/**
 * Verifies OAuth2 bearer access tokens (JWT, RFC 9068 profile) with jose: signature by the configured key (a JWKS
 * fetched from AUTH_JWKS_URL, or one public key), issuer, audience, `exp` and `nbf` within the clock skew, the
 * algorithm allow-list, and `typ: at+jwt` so an ID token cannot stand in for an access token.
 *
 * A verified token is cached, keyed by its SHA-256, until it expires: a client reusing its token pays for the
 * signature check once. The cache is bounded (LRU), so a flood of distinct tokens cannot grow it.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { type AuthConfig, parsePublicKey } from './auth-config';

/** The authenticated caller, as the guard hands it to the rest of the request. */
export interface Caller {
  /** The token's `sub`. */
  readonly subject: string;
  /** RFC 9068 `client_id`, or `azp` as some issuers write it; null when absent. */
  readonly clientId: string | null;
  readonly scopes: ReadonlySet<string>;
}

/** The token is not acceptable. `reason` names the failed check for the log; it never contains the token. */
export class InvalidAccessToken extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidAccessToken';
  }
}

/** The keys could not be fetched (JWKS endpoint down or slow): the token may be fine, so this is not a 401. */
export class KeysUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'KeysUnavailable';
  }
}

export type EnabledAuthConfig = Extract<AuthConfig, { enabled: true }>;

/** How long an unknown `kid` must wait before it may trigger another JWKS fetch. */
export const JWKS_COOLDOWN_MS = 30_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;
const CACHE_ENTRIES = 10_000;

interface CachedCaller {
  readonly caller: Caller;
  readonly expiresAtMs: number;
}

export class AccessTokenVerifier {
  private readonly key: KeyObject | JWTVerifyGetKey;
  private readonly cache = new LRUCache<string, CachedCaller>({ max: CACHE_ENTRIES });

  constructor(private readonly config: EnabledAuthConfig) {
    this.key =
      config.key.kind === 'jwks'
        ? createRemoteJWKSet(new URL(config.key.url), {
            cooldownDuration: JWKS_COOLDOWN_MS,
            cacheMaxAge: JWKS_MAX_AGE_MS,
            timeoutDuration: 5000,
          })
        : parsePublicKey(config.key.text);
  }

  async verify(token: string): Promise<Caller> {
    const cacheKey = createHash('sha256').update(token).digest('base64url');
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAtMs > Date.now()) return cached.caller;

    const payload = await this.verifySignatureAndClaims(token);
    const caller = toCaller(payload);
    const expiresAtMs = payload.exp! * 1000;
    const ttl = expiresAtMs - Date.now();
    if (ttl > 0) this.cache.set(cacheKey, { caller, expiresAtMs }, { ttl });
    return caller;
  }

  private async verifySignatureAndClaims(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.key as KeyObject, {
        issuer: this.config.issuer,
        audience: [...this.config.audience],
        algorithms: [...this.config.algorithms],
        clockTolerance: this.config.clockSkewS,
        typ: 'at+jwt',
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWKSTimeout || isFetchFailure(error)) {
        throw new KeysUnavailable(`the JWKS could not be fetched: ${(error as Error).message}`);
      }
      throw new InvalidAccessToken(describe(error));
    }
  }
}

function toCaller(payload: JWTPayload): Caller {
  if (typeof payload.sub !== 'string' || payload.sub === '')
    throw new InvalidAccessToken('"sub" claim is not a string');
  const clientId = [payload.client_id, payload.azp].find((v): v is string => typeof v === 'string') ?? null;
  return { subject: payload.sub, clientId, scopes: scopesOf(payload) };
}

/** RFC 9068 / RFC 8693 `scope` (space-separated); the `scp` array some issuers use instead. */
function scopesOf(payload: JWTPayload): ReadonlySet<string> {
  const scopes = new Set<string>();
  if (typeof payload.scope === 'string') for (const s of payload.scope.split(' ')) if (s) scopes.add(s);
  const scp = payload.scp;
  if (Array.isArray(scp)) for (const s of scp) if (typeof s === 'string' && s) scopes.add(s);
  if (typeof scp === 'string') for (const s of scp.split(' ')) if (s) scopes.add(s);
  return scopes;
}

/** jose's error code and message name the failed check (`"exp" claim timestamp check failed`), never the token. */
function describe(error: unknown): string {
  if (error instanceof joseErrors.JOSEError) return `${error.code}: ${error.message}`;
  return `token not verifiable: ${(error as Error)?.name ?? 'unknown error'}`;
}

function isFetchFailure(error: unknown): boolean {
  // undici's fetch rejects with `TypeError: fetch failed` when the JWKS host cannot be reached; jose passes it on.
  // A JWKS endpoint that answers but not with a key set is reported by jose as ERR_JOSE_GENERIC / JWKSInvalid.
  return (
    (error instanceof TypeError && /fetch failed/i.test(error.message)) ||
    error instanceof joseErrors.JWKSInvalid ||
    (error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC' && /response/i.test(error.message))
  );
}
