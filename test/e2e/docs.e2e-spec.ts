/**
 * The documents a user gets with the repository stand on their own: every relative link in a Markdown file points
 * at a file that is in the repository, and nothing cites the design notes the project was started from, which
 * users do not have (docs/architecture.md and docs/contracts.md hold that design in the project's words).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
const markdown = tracked.filter((file) => file.endsWith('.md'));

it('has the architecture and contract documents', () => {
  expect(tracked).toEqual(expect.arrayContaining(['docs/architecture.md', 'docs/contracts.md']));
});

it.each(markdown)('%s links only to files in the repository', (file) => {
  const text = readFileSync(join(root, file), 'utf8');
  const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
  for (const link of links) expect([link, existsSync(join(root, dirname(file), link))]).toEqual([link, true]);
});

it('cites no document users do not have', () => {
  const citing = tracked.filter((file) => {
    if (!existsSync(join(root, file)) || /\.(png|jpg|ico|lock)$/.test(file) || file === 'package-lock.json')
      return false;
    return /DESIGN(\.md| section)|shared\/(DESIGN|STYLE|STACK-NOTES)/.test(readFileSync(join(root, file), 'utf8'));
  });
  expect(citing.filter((file) => file !== 'test/e2e/docs.e2e-spec.ts')).toEqual([]);
});
