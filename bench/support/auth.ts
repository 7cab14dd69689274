/**
 * The bench runs the service as deployed: authentication on, with a key pair of its own made for this run and one
 * access token (every scope, valid for a day) that every request carries, to both sides, so the bytes on the wire
 * are the same; the raw floor ignores the header. The token is reused, as real clients reuse theirs, so the service
 * verifies its signature once and then finds it in its token cache. An extra run per headline scenario measures the
 * service with auth off (AUTH_DISABLED=true), to show what authentication costs.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

const ISSUER = 'https://issuer.bench.customerflow.invalid/';
const AUDIENCE = 'customerflow-api';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

export const benchAuthEnv: Record<string, string> = {
  AUTH_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  AUTH_ISSUER: ISSUER,
  AUTH_AUDIENCE: AUDIENCE,
};

let authorization: string | null = null;

/** `Bearer <token>`; call `prepareBenchToken()` once before the first request. */
export function benchAuthorization(): string {
  if (!authorization) throw new Error('prepareBenchToken() was not called');
  return authorization;
}

export async function prepareBenchToken(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    scope: 'customers:read customers:write customers:erase outbox:admin',
    client_id: 'bench',
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'bench' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('bench')
    .setIssuedAt(now)
    .setJti(randomUUID())
    .setExpirationTime(now + 24 * 3600)
    .sign(privateKey);
  authorization = `Bearer ${token}`;
}
