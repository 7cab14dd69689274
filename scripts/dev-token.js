#!/usr/bin/env node
// Development tokens without an identity provider: `npm run token -- [scope ...]`. The first run makes a key pair in
// ./data/dev-auth/ (ignored by git, like the rest of ./data); every run prints the variables that make the API trust
// that key, and a one-hour access token signed with it (all four scopes unless you name some). Never for production:
// there the tokens come from your issuer and the API gets its JWKS URL.
'use strict';
const { generateKeyPairSync, createPrivateKey, randomUUID } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { SignJWT } = require('jose');

const dir = join(process.cwd(), 'data', 'dev-auth');
const ISSUER = 'http://localhost/dev-issuer';
const AUDIENCE = 'customerflow-api';
const scopes = process.argv.slice(2);

if (!existsSync(join(dir, 'private.pem'))) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
}

const now = Math.floor(Date.now() / 1000);
new SignJWT({
  scope: (scopes.length ? scopes : ['customers:read', 'customers:write', 'customers:erase', 'outbox:admin']).join(' '),
  client_id: 'dev-cli',
})
  .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
  .setIssuer(ISSUER)
  .setAudience(AUDIENCE)
  .setSubject(process.env.USER || 'developer')
  .setIssuedAt(now)
  .setJti(randomUUID())
  .setExpirationTime(now + 3600)
  .sign(createPrivateKey(readFileSync(join(dir, 'private.pem'))))
  .then((token) => {
    process.stdout.write(
      `# start the API trusting the development key:\n` +
        `export AUTH_JWT_PUBLIC_KEY="$(cat ${join('data', 'dev-auth', 'public.pem')})" AUTH_ISSUER=${ISSUER} AUTH_AUDIENCE=${AUDIENCE}\n` +
        `# a token for one hour:\nexport TOKEN=${token}\n`,
    );
  });
