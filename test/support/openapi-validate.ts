/**
 * Validates a document against the OpenAPI 3.1 specification with @apidevtools/swagger-parser. It runs in a child
 * Node process: swagger-parser's dependencies are ESM-only, which Node 20 loads through require(esm) but Jest's
 * CommonJS runtime cannot (jest.base.js transforms only the @nestjs packages).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = `
const SwaggerParser = require('@apidevtools/swagger-parser');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk)).on('end', async () => {
  try {
    await SwaggerParser.validate(JSON.parse(input));
  } catch (error) {
    process.stderr.write(String(error && error.message ? error.message : error));
    process.exit(1);
  }
});`;

/** Problems found, or an empty list for a valid document. */
export function openApiSpecificationErrors(document: unknown): string[] {
  const result = spawnSync(process.execPath, ['-e', SCRIPT], {
    cwd: join(__dirname, '..', '..'),
    input: JSON.stringify(document),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return result.status === 0 ? [] : [result.stderr.trim() || `swagger-parser exited with ${result.status}`];
}
