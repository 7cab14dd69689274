/**
 * The architecture rules must be able to fail: dependency-cruiser is run on a fixture whose "domain" imports
 * @nestjs/common, and must report the domain rule. (`npm test` also runs the rules on the real code.)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function cruise(path: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync('npx', ['depcruise', '--config', '.dependency-cruiser.js', path], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { ok: true, output };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('architecture rules', () => {
  it('reject a framework import in the domain', () => {
    const result = cruise('test/fixtures/architecture/libs/customers/src/domain');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('domain-is-framework-free');
  }, 60_000);

  it('accept the real domain', () => {
    const result = cruise('libs/customers/src/domain');
    expect(result.output).not.toContain('domain-is-framework-free');
    expect(result.ok).toBe(true);
  }, 60_000);
});
