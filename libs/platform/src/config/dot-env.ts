/**
 * `.env` in the working directory: read in development, refused in production, never silently ignored. A developer
 * keeps settings in a file (`cp .env.example .env`); a deployment sets real environment variables, and a stray
 * `.env` baked into an image or left on a server must not quietly override or confuse them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './app-config';

export type DotEnvOutcome =
  | { readonly kind: 'absent' }
  | { readonly kind: 'loaded'; readonly file: string; readonly applied: readonly string[]; readonly message: string };

/**
 * Loads `<cwd>/.env` into `env` unless NODE_ENV is `production`; a variable already set in the environment wins.
 * Throws a ConfigError when a `.env` is present in production.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): DotEnvOutcome {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return { kind: 'absent' };
  if (env.NODE_ENV === 'production') {
    throw new ConfigError(
      '.env',
      `is not read when NODE_ENV=production (found ${file}): set the variables in the environment, or remove the file`,
    );
  }
  const applied: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    applied.push(name);
  }
  return {
    kind: 'loaded',
    file,
    applied,
    message: `Read ${applied.length} variable(s) from ${file}: development (NODE_ENV is not production), the environment wins over the file`,
  };
}

let done = false;

/** For entry points, before anything reads the environment: says in one line that it read `.env`, or exits. */
export function loadDotEnvOrExit(): void {
  if (done) return;
  done = true;
  try {
    const outcome = loadDotEnv();
    if (outcome.kind === 'loaded') console.error(outcome.message);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
