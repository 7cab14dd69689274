/**
 * The architecture rules must be able to fail: each rule in .dependency-cruiser.js has a fixture
 * (fixtures/<rule name>/, laid out like the repository) that breaks it, and dependency-cruiser must report exactly
 * that rule there. The real tree must pass them all.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const FIXTURES = 'test/architecture/fixtures';
// The rules are read from the config itself, so a rule added without a fixture fails the first test.
const { forbidden } = createRequire(__filename)(join(root, '.dependency-cruiser.js')) as {
  forbidden: Array<{ name: string }>;
};
const ruleNames = forbidden.map((rule) => rule.name);

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

function cruise(...paths: string[]): Violation[] {
  let output: string;
  try {
    output = execFileSync(
      join(root, 'node_modules', '.bin', 'depcruise'),
      ['--config', '.dependency-cruiser.js', '--output-type', 'json', ...paths],
      { cwd: root, encoding: 'utf8', stdio: 'pipe', maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    // depcruise exits non-zero when it finds violations; the report is on stdout all the same.
    output = (error as { stdout?: string }).stdout ?? '';
    if (!output) throw error;
  }
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('architecture rules', () => {
  let fixtureViolations: Violation[];

  beforeAll(() => {
    fixtureViolations = cruise(FIXTURES);
  }, 60_000);

  it('have a fixture each, and nothing else is a fixture', () => {
    expect(readdirSync(join(root, FIXTURES)).sort()).toEqual([...ruleNames].sort());
  });

  it.each(ruleNames)('%s fails on its fixture, and no other rule does', (rule) => {
    const broken = fixtureViolations.filter((violation) => violation.from.startsWith(`${FIXTURES}/${rule}/`));
    expect(broken.length).toBeGreaterThan(0);
    expect([...new Set(broken.map((violation) => violation.rule.name))]).toEqual([rule]);
  });

  it('all pass on libs and apps', () => {
    expect(cruise('libs', 'apps')).toEqual([]);
  }, 60_000);
});
