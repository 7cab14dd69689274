/**
 * Who may call the API: the AUTH_* variables, read once with the rest of the configuration. The rule that decides
 * whether authentication is on is written for the safe default: on in production and as soon as anyone configures
 * any part of it; off only on the embedded default (nothing set, not production) or when AUTH_DISABLED=true says so
 * in as many words.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';

/** Asymmetric JWS algorithms jose verifies. HMAC is absent on purpose: see `parseAlgorithms`. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export type AuthConfig =
  | {
      readonly enabled: false;
      /** True when AUTH_DISABLED=true turned it off; false on the embedded default. */
      readonly explicitlyDisabled: boolean;
    }
  | {
      readonly enabled: true;
      readonly key:
        { readonly kind: 'jwks'; readonly url: string } | { readonly kind: 'public-key'; readonly text: string };
      readonly issuer: string;
      readonly audience: readonly string[];
      readonly clockSkewS: number;
      readonly algorithms: readonly string[];
    };

/** Thrown for a bad AUTH_* value; AppConfig turns it into its own one-line ConfigError. */
export class AuthConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly detail: string,
  ) {
    super(`${variable} ${detail}`);
  }
}

export function parseAuthConfig(env: NodeJS.ProcessEnv): AuthConfig {
  const disabled = env.AUTH_DISABLED?.trim();
  if (disabled !== undefined && disabled !== '' && !['true', 'false'].includes(disabled)) {
    throw new AuthConfigError('AUTH_DISABLED', `must be true or false (got "${disabled}")`);
  }
  if (disabled === 'true') return { enabled: false, explicitlyDisabled: true };
  const configured = Object.keys(env).filter(
    (name) => name.startsWith('AUTH_') && name !== 'AUTH_DISABLED' && env[name]?.trim(),
  );
  const production = env.NODE_ENV?.trim() === 'production';
  if (!production && configured.length === 0) return { enabled: false, explicitlyDisabled: false };

  const why = production ? 'NODE_ENV=production' : `${configured[0]} is set`;
  const jwksUrl = env.AUTH_JWKS_URL?.trim();
  const publicKey = env.AUTH_JWT_PUBLIC_KEY?.trim();
  if (!jwksUrl && !publicKey) {
    throw new AuthConfigError(
      'AUTH_JWKS_URL',
      `or AUTH_JWT_PUBLIC_KEY must be set: authentication is on (${why}) and needs a key to verify tokens; set AUTH_DISABLED=true to run without authentication`,
    );
  }
  if (jwksUrl && publicKey) {
    throw new AuthConfigError('AUTH_JWKS_URL', 'and AUTH_JWT_PUBLIC_KEY are both set; configure one key source');
  }
  const issuer = env.AUTH_ISSUER?.trim();
  if (!issuer) throw new AuthConfigError('AUTH_ISSUER', `must be set: authentication is on (${why})`);
  const audience = (env.AUTH_AUDIENCE ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (audience.length === 0) throw new AuthConfigError('AUTH_AUDIENCE', `must be set: authentication is on (${why})`);
  if (publicKey) parsePublicKey(publicKey); // fail at start-up, not at the first request
  return {
    enabled: true,
    key: jwksUrl ? { kind: 'jwks', url: parseJwksUrl(jwksUrl) } : { kind: 'public-key', text: publicKey! },
    issuer,
    audience,
    clockSkewS: clockSkew(env.AUTH_CLOCK_SKEW_S),
    algorithms: parseAlgorithms(env.AUTH_ALGORITHMS),
  };
}

/**
 * The allow-list handed to jose. `none` is never accepted, and neither is any HMAC algorithm: with HS256 allowed, a
 * token signed with the bytes of our *public* key as the HMAC secret would verify (the key-confusion attack). Every
 * key this service holds is public, so no symmetric algorithm can be right.
 */
export function parseAlgorithms(raw: string | undefined): readonly string[] {
  const names = (raw ?? 'RS256,ES256,EdDSA')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (names.length === 0) throw new AuthConfigError('AUTH_ALGORITHMS', 'must list at least one algorithm');
  for (const name of names) {
    if (name.toLowerCase() === 'none') {
      throw new AuthConfigError('AUTH_ALGORITHMS', 'must not contain "none": unsigned tokens are never accepted');
    }
    if (/^HS/i.test(name)) {
      throw new AuthConfigError(
        'AUTH_ALGORITHMS',
        `must not contain ${name}: HMAC would verify with the public key as its secret (key confusion)`,
      );
    }
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(name)) {
      throw new AuthConfigError(
        'AUTH_ALGORITHMS',
        `contains unknown algorithm "${name}"; use ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
      );
    }
  }
  return names;
}

/**
 * AUTH_JWT_PUBLIC_KEY as a Node KeyObject: a PEM public key (SPKI) or a JWK as JSON. A private key or a symmetric
 * secret is refused: the service must never hold signing material.
 */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let jwk: Record<string, unknown>;
    try {
      jwk = JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      throw new AuthConfigError('AUTH_JWT_PUBLIC_KEY', 'looks like a JWK but is not valid JSON');
    }
    if (jwk.kty === 'oct')
      throw new AuthConfigError('AUTH_JWT_PUBLIC_KEY', 'must be a public key, not a symmetric (oct) JWK');
    if ('d' in jwk)
      throw new AuthConfigError('AUTH_JWT_PUBLIC_KEY', 'is a private JWK; configure only its public part');
    try {
      return createPublicKey({ key: jwk as never, format: 'jwk' });
    } catch {
      throw new AuthConfigError('AUTH_JWT_PUBLIC_KEY', 'is not a usable public JWK');
    }
  }
  if (/PRIVATE KEY/.test(trimmed)) {
    throw new AuthConfigError('AUTH_JWT_PUBLIC_KEY', 'is a private key; configure only the public key (PEM SPKI)');
  }
  // Environment variables often carry PEM with literal "\n" sequences instead of line breaks.
  const pem = trimmed.includes('\\n') ? trimmed.replace(/\\n/g, '\n') : trimmed;
  if (!pem.startsWith('-----BEGIN ')) {
    throw new AuthConfigError('AUTH_JWT_PUBLIC_KEY', 'must be a PEM public key (-----BEGIN PUBLIC KEY-----) or a JWK');
  }
  try {
    return createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new AuthConfigError('AUTH_JWT_PUBLIC_KEY', 'is not a readable PEM public key');
  }
}

function parseJwksUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AuthConfigError('AUTH_JWKS_URL', 'must be a URL such as https://issuer.example/.well-known/jwks.json');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  // Keys fetched over plain HTTP could be swapped in transit; only a loopback address is exempt (tests, sidecars).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new AuthConfigError('AUTH_JWKS_URL', 'must use https: (plain http: only on a loopback address)');
  }
  return url.toString();
}

function clockSkew(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 30;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) > 300) {
    throw new AuthConfigError('AUTH_CLOCK_SKEW_S', `must be a whole number of seconds from 0 to 300 (got "${raw}")`);
  }
  return Number(raw);
}
