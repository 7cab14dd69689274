/**
 * Access tokens for the tests: key pairs generated per run (RS256 and ES256), a token minter that writes what an
 * RFC 9068 issuer writes, and a JWKS served on 127.0.0.1 that can rotate its keys. Nothing here is a fixture file:
 * no key material is committed.
 */
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';

export const TEST_ISSUER = 'https://issuer.customerflow.test/';
export const TEST_AUDIENCE = 'customerflow-api';
export const ALL_SCOPES = ['customers:read', 'customers:write', 'customers:erase', 'outbox:admin'] as const;

export interface TestKey {
  readonly alg: 'RS256' | 'ES256';
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicPem: string;
}

export function generateTestKey(alg: 'RS256' | 'ES256' = 'RS256'): TestKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    alg,
    kid: `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`,
    privateKey,
    publicKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The key the test apps trust unless a test configures another. */
export const defaultTestKey = generateTestKey('RS256');

/** Environment that turns auth on with `key` (a PEM in AUTH_JWT_PUBLIC_KEY). */
export function authEnv(key: TestKey = defaultTestKey): Record<string, string> {
  return { AUTH_JWT_PUBLIC_KEY: key.publicPem, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE };
}

export interface TokenOptions {
  readonly key?: TestKey;
  readonly scopes?: readonly string[];
  /** Use the `scp` array claim instead of the `scope` string. */
  readonly scpArray?: boolean;
  readonly subject?: string;
  readonly clientId?: string;
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative for an expired token. */
  readonly expiresIn?: number;
  /** Seconds from now for `nbf`. */
  readonly notBefore?: number;
  readonly typ?: string;
}

/** A signed access token; by default valid for 10 minutes with every scope. */
export async function mintToken(options: TokenOptions = {}): Promise<string> {
  const key = options.key ?? defaultTestKey;
  const now = Math.floor(Date.now() / 1000);
  const scopes = options.scopes ?? ALL_SCOPES;
  const jwt = new SignJWT({
    client_id: options.clientId ?? 'test-client',
    ...(options.scpArray ? { scp: [...scopes] } : { scope: scopes.join(' ') }),
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: options.typ ?? 'at+jwt' })
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? TEST_AUDIENCE)
    .setSubject(options.subject ?? 'test-user')
    .setIssuedAt(now)
    .setJti(randomUUID())
    .setExpirationTime(now + (options.expiresIn ?? 600));
  if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
  return jwt.sign(key.privateKey);
}

/** `Authorization` header value for a token minted with `options`. */
export async function bearer(options: TokenOptions = {}): Promise<string> {
  return `Bearer ${await mintToken(options)}`;
}

/** Encodes a JWT by hand, for tokens no honest library would sign (alg none, HS256 with a public key...). */
export function handMadeJwt(header: object, payload: object, signature = ''): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(payload)}.${signature}`;
}

/** The claims a valid token carries, for hand-made variants of one. */
export function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: 'attacker',
    scope: ALL_SCOPES.join(' '),
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

/** A JWKS endpoint on 127.0.0.1 whose key set a test can replace (rotation), counting how often it is fetched. */
export class JwksServer {
  fetches = 0;
  private keys: readonly TestKey[];
  private readonly server: Server;

  private constructor(keys: readonly TestKey[]) {
    this.keys = keys;
    this.server = createServer((request, response) => {
      this.fetches++;
      void Promise.all(
        this.keys.map((k) => exportJWK(k.publicKey).then((jwk) => ({ ...jwk, kid: k.kid, alg: k.alg, use: 'sig' }))),
      ).then((jwks) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ keys: jwks }));
      });
    });
  }

  static async start(keys: readonly TestKey[]): Promise<JwksServer> {
    const jwks = new JwksServer(keys);
    await new Promise<void>((resolve) => jwks.server.listen(0, '127.0.0.1', resolve));
    return jwks;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  rotate(keys: readonly TestKey[]): void {
    this.keys = keys;
  }

  env(): Record<string, string> {
    return { AUTH_JWKS_URL: this.url, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
