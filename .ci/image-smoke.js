// Smoke test of the built image, run by .ci/image.sh with the image mounted at IMAGE_ROOT. `podman run` cannot
// work here (the sandbox refuses setrlimit), so each process is started as the image would start it: chroot into
// the image's files as the image's USER, in its WORKDIR, with its ENV (and the host's network, which reaches the
// local MariaDB and RabbitMQ). It migrates a scratch database, starts the relay and the API (OUTBOX_RELAY=off),
// registers a customer, waits for its event on a queue bound to the exchange, and checks that every process ran as
// the image's non-root user and that both serve /metrics.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const amqp = require('amqplib');

const root = process.env.IMAGE_ROOT;
const user = process.env.IMAGE_USER;
const workdir = process.env.IMAGE_WORKDIR || '/';
const imageEnv = Object.fromEntries(
  process.env.IMAGE_ENV.split('\n')
    .filter(Boolean)
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
const imageCmd = JSON.parse(process.env.IMAGE_CMD);
const databaseUrl = process.env.IMAGE_DATABASE_URL || 'mysql://root@127.0.0.1:3306/customerflow_image';
const amqpUrl = process.env.IMAGE_AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';
const exchange = `customerflow.events.image-smoke.${process.pid}`;
const apiPort = 38_000 + (process.pid % 1000);
const relayPort = apiPort + 1000;
const children = [];

function fail(message) {
  console.error(`image smoke test: ${message}`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
}

function log(message) {
  console.log(`image smoke test: ${message}`);
}

/** Runs `command` inside the image as its USER, in its WORKDIR, with its ENV plus `env`. */
function inImage(command, env) {
  const shell = `cd '${workdir}' && exec ${command.map((part) => `'${part}'`).join(' ')}`;
  const child = spawn('chroot', [`--userspec=${user}`, root, '/bin/sh', '-c', shell], {
    env: { ...imageEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.output = '';
  child.stdout.on('data', (chunk) => (child.output += chunk));
  child.stderr.on('data', (chunk) => (child.output += chunk));
  children.push(child);
  return child;
}

/** Resolves with the exit code, or the signal's name when a signal ended the process. */
function exited(child) {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode ?? child.signalCode)
      : child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
}

async function waitUntilReady(name, child, port) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) fail(`${name} exited with ${child.exitCode}:\n${child.output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`${name} did not become ready:\n${child.output}`);
}

/** The real uid of a process, from /proc: the chroot'ed shell exec'd node, so the child's pid is node's. */
function uidOf(child) {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)[1]);
}

async function main() {
  if (!root || !user) fail('IMAGE_ROOT and IMAGE_USER must be set (run .ci/image.sh)');
  if (/^(0|root)(:|$)/.test(user)) fail(`the image's USER is root (${user})`);
  log(`image user ${user}, workdir ${workdir}, command ${imageCmd.join(' ')}`);

  const database = new URL(databaseUrl).pathname.slice(1);
  const created = spawnSync(
    'mariadb',
    ['-h', '127.0.0.1', '-u', 'root', '-e', `DROP DATABASE IF EXISTS \`${database}\`; CREATE DATABASE \`${database}\``],
    { encoding: 'utf8' },
  );
  if (created.status !== 0) fail(`could not create database ${database}: ${created.stderr}`);

  const common = {
    DATABASE_URL: databaseUrl,
    AMQP_URL: amqpUrl,
    AMQP_EXCHANGE: exchange,
    LOG_LEVEL: 'info',
    // The image runs with NODE_ENV=production, where the API wants a token issuer; this test has none.
    AUTH_DISABLED: 'true',
  };
  const migration = inImage(
    ['node', 'node_modules/typeorm/cli.js', 'migration:run', '-d', 'dist/ormconfig.js'],
    common,
  );
  if ((await exited(migration)) !== 0) fail(`the migration failed:\n${migration.output}`);
  log(`migrated ${database} from the image`);

  // The broker topology the relay declares, and a queue of ours bound to it before anything is published.
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', {
    durable: true,
    arguments: { 'alternate-exchange': `${exchange}.unrouted` },
  });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, 'customer.#');
  const received = [];
  await channel.consume(queue, (message) => received.push(message), { noAck: true });

  const relay = inImage(['node', '--max-old-space-size=160', 'dist/apps/customerflow-relay/src/main.js'], {
    ...common,
    PORT: String(relayPort),
  });
  const api = inImage(imageCmd, { ...common, PORT: String(apiPort), OUTBOX_RELAY: 'off' });
  await waitUntilReady('the relay', relay, relayPort);
  await waitUntilReady('the API', api, apiPort);
  log(`API on ${apiPort} and relay on ${relayPort} are ready`);

  const response = await fetch(`http://127.0.0.1:${apiPort}/v1/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ana Souza', email: 'ana.image@example.com' }),
  });
  if (response.status !== 201) fail(`POST /v1/customers answered ${response.status}: ${await response.text()}`);
  const customer = await response.json();

  for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  if (received.length === 0) fail(`no event reached the queue\nrelay:\n${relay.output}\napi:\n${api.output}`);
  const event = JSON.parse(received[0].content.toString());
  if (event.type !== 'customerflow.customer.registered.v1' || event.subject !== customer.id) {
    fail(`unexpected event ${JSON.stringify(event)}`);
  }
  log(`${event.type} for customer ${event.subject} reached the queue (routing key ${received[0].fields.routingKey})`);

  for (const [name, child, port] of [
    ['API', api, apiPort],
    ['relay', relay, relayPort],
  ]) {
    const uid = uidOf(child);
    if (uid === 0) fail(`the ${name} runs as root`);
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    if (!/^customerflow_outbox_pending/m.test(metrics)) fail(`the ${name}'s /metrics has no outbox gauge`);
    log(`the ${name} runs as uid ${uid} and serves /metrics`);
  }
  if (
    !/^customerflow_outbox_relayed_total\{outcome="published"[^}]*\} 1$/m.test(
      await fetch(`http://127.0.0.1:${relayPort}/metrics`).then((r) => r.text()),
    )
  ) {
    fail("the relay's /metrics does not count the published event");
  }
  for (const line of relay.output.trim().split('\n')) {
    try {
      JSON.parse(line);
    } catch {
      fail(`the relay logged a line that is not JSON: ${line}`);
    }
  }

  for (const child of [api, relay]) child.kill('SIGTERM');
  const codes = await Promise.all([exited(api), exited(relay)]);
  // Nest's shutdown hooks close the app, then re-raise the signal: ending by SIGTERM is the clean way out.
  if (codes.some((code) => code !== 0 && code !== 'SIGTERM')) fail(`SIGTERM did not end them cleanly (${codes})`);
  log('SIGTERM stopped the API and the relay cleanly');
  await channel.deleteExchange(exchange).catch(() => undefined);
  await channel.deleteExchange(`${exchange}.unrouted`).catch(() => undefined);
  await channel.deleteQueue(`${exchange}.unrouted`).catch(() => undefined);
  await connection.close();
  spawnSync('mariadb', ['-h', '127.0.0.1', '-u', 'root', '-e', `DROP DATABASE IF EXISTS \`${database}\``]);
}

main().catch((error) => fail(error.stack || String(error)));
