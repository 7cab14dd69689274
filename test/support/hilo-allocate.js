// A separate process that allocates hilo ids on the shared database and prints them as JSON, so the integration
// suite can prove two processes never hand out the same id. Uses the compiled service (npm run build).
// usage: node hilo-allocate.js <count> <blockSize>
const { Logger } = require('@nestjs/common');
const { DataSource } = require('typeorm');
const { dataSourceOptions, HiloIdGenerator, parseDatabaseUrl } = require('../../dist/libs/platform/src');

async function main() {
  Logger.overrideLogger(['error']); // stdout carries the ids
  const [count, blockSize] = process.argv.slice(2).map(Number);
  const dataSource = new DataSource(
    dataSourceOptions(parseDatabaseUrl('DATABASE_URL', process.env.DATABASE_URL), { poolSize: 4 }),
  );
  await dataSource.initialize();
  const generator = new HiloIdGenerator(dataSource, null, blockSize);
  const sequence = { name: 'customers', table: 'customers', column: 'id' };
  const ids = await Promise.all(Array.from({ length: count }, () => generator.nextId(sequence)));
  await dataSource.destroy();
  process.stdout.write(JSON.stringify(ids));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
