/**
 * commit-to-consumer: 100 registrations a second for 10 s, paced (not closed-loop), while a subscriber on its own
 * queue bound to `customer.#` timestamps each delivery. The figure is measured from the moment the bench has the
 * POST's 201 response (the commit happened before it was sent) to the delivery of that customer's event: it leaves
 * out the response's trip back, so it can even be slightly negative when the event overtakes the response. The
 * same delivery measured from the event's `time` (occurred_at, stamped before the INSERTs) is reported beside it.
 *
 * Both sides relay in process, woken right after the commit. The service runs a second time as deploy/kubernetes
 * runs it: the API with OUTBOX_RELAY=off and customerflow-relay in a process of its own, woken over RabbitMQ
 * (OUTBOX_WAKEUPS). A warm-up of 50 registrations first opens the lazy broker connections, lets the relay bind its
 * wake-up queue and warms the JIT; those are left out.
 */
import { Agent, request } from 'node:http';
import { benchAuthorization } from '../support/auth';
import { type BenchContext, SIDE_LABEL, withHttpSide } from '../support/context';
import { registrationBody } from '../support/customers-data';
import { emptyTables } from '../support/database';
import { watchForeignCpu } from '../support/foreign-cpu';
import {
  serviceEnv,
  serviceRelayEntry,
  type Side,
  sleep,
  startNode,
  type Started,
  stop,
  waitForHttp,
} from '../support/processes';
import { round, type Summary, summarize } from '../support/stats';

interface SideResult {
  fromResponse: Summary;
  fromOccurredAt: Summary;
  sent: number;
  acknowledged: number;
  delivered: number;
  notDelivered: number;
  failedRequests: number;
  achievedRate: number;
  foreignCpuCores: number;
}

let sequence = 10_000_000;
const tag = `c2c${Date.now().toString(36)}`;

function post(agent: Agent, port: number, body: string): Promise<{ status: number; id: string | null; at: number }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/customers',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: benchAuthorization(),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const at = performance.timeOrigin + performance.now();
          let id: string | null = null;
          try {
            id = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: unknown }).id);
          } catch {
            // not JSON: counted as a failed request
          }
          resolve({ status: res.statusCode ?? 0, id, at });
        });
      },
    );
    req.on('error', () => resolve({ status: 0, id: null, at: 0 }));
    req.end(body);
  });
}

/** `relayProcess`: the service's API does not relay, a customerflow-relay process does. */
async function runSide(ctx: BenchContext, side: Side, relayProcess = false): Promise<SideResult> {
  const { config } = ctx;
  await emptyTables(ctx.db);
  await ctx.broker.purge();
  let relay: Started | null = null;
  if (relayProcess) {
    const port = config.port + 10;
    relay = startNode(
      config,
      'commitToConsumer-relay',
      serviceRelayEntry(config).entry,
      serviceEnv(config, port, 'inprocess'),
    );
    await waitForHttp(relay, port);
  }
  const label = relayProcess ? `${SIDE_LABEL[side]}, relay process` : SIDE_LABEL[side];
  try {
    return await measureSide(ctx, side, label, relayProcess);
  } finally {
    if (relay) await stop(relay);
  }
}

function measureSide(ctx: BenchContext, side: Side, label: string, relayProcess: boolean): Promise<SideResult> {
  const { config, progress } = ctx;
  const overrides = relayProcess ? { OUTBOX_RELAY: 'off' } : {};
  return withHttpSide(
    ctx,
    side,
    'commitToConsumer',
    async (startedSide) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 64 });
      const delivered = new Map<string, { at: number; time: number }>();
      const unsubscribe = await ctx.broker.subscribe((at, event) =>
        delivered.set(event.subject, { at, time: Date.parse(event.time) }),
      );
      try {
        progress.begin(`commit-to-consumer · ${label} · warm-up`);
        for (let i = 0; i < 50; i++) await post(agent, config.port, JSON.stringify(registrationBody(++sequence, tag)));
        await sleep(1000);
        delivered.clear();

        progress.begin(`commit-to-consumer · ${label}`);
        const total = config.latencyRate * config.latencyDurationS;
        const interval = 1000 / config.latencyRate;
        const foreign = watchForeignCpu(startedSide.pid);
        const responses: Array<Promise<{ status: number; id: string | null; at: number }>> = [];
        const started = performance.now();
        for (let k = 0; k < total; k++) {
          const wait = started + k * interval - performance.now();
          if (wait > 1) await sleep(wait);
          responses.push(post(agent, config.port, JSON.stringify(registrationBody(++sequence, tag))));
          if (k % config.latencyRate === 0)
            progress.update(
              `${Math.round(k / config.latencyRate)}/${config.latencyDurationS} s, ${delivered.size} delivered`,
            );
        }
        const sendSeconds = (performance.now() - started) / 1000;
        const foreignCpuCores = foreign();
        const answered = await Promise.all(responses);
        const acknowledged = answered.filter((r) => r.status === 201 && r.id !== null);
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline && acknowledged.some((r) => !delivered.has(r.id!))) await sleep(50);

        const fromResponse: number[] = [];
        const fromOccurredAt: number[] = [];
        for (const r of acknowledged) {
          const d = delivered.get(r.id!);
          if (!d) continue;
          fromResponse.push(d.at - r.at);
          fromOccurredAt.push(d.at - d.time);
        }
        return {
          fromResponse: summarize(fromResponse),
          fromOccurredAt: summarize(fromOccurredAt),
          sent: total,
          acknowledged: acknowledged.length,
          delivered: fromResponse.length,
          notDelivered: acknowledged.length - fromResponse.length,
          failedRequests: total - acknowledged.length,
          achievedRate: round(total / sendSeconds, 1),
          foreignCpuCores,
        };
      } finally {
        await unsubscribe();
        agent.destroy();
      }
    },
    false,
    false,
    'on',
    overrides,
  );
}

export async function commitToConsumerScenario(ctx: BenchContext) {
  const service = await runSide(ctx, 'service');
  const raw = await runSide(ctx, 'raw');
  const split = await runSide(ctx, 'service', true);
  for (const [side, r] of [
    ['service', service],
    ['raw floor', raw],
    ['service, relay process', split],
  ] as const) {
    if (r.notDelivered > 0 || r.failedRequests > 0)
      ctx.notes.push(
        `commit-to-consumer (${side}): ${r.failedRequests} requests failed, ${r.notDelivered} acknowledged events not delivered within 10 s`,
      );
  }
  return {
    p50Ms: service.fromResponse.p50Ms,
    p99Ms: service.fromResponse.p99Ms,
    maxMs: service.fromResponse.maxMs,
    minMs: service.fromResponse.minMs,
    measuredFrom:
      'the POST 201 response received by the bench → delivery to a subscriber on a queue bound to customer.#',
    fromOccurredAt: {
      p50Ms: service.fromOccurredAt.p50Ms,
      p99Ms: service.fromOccurredAt.p99Ms,
      maxMs: service.fromOccurredAt.maxMs,
    },
    rate: ctx.config.latencyRate,
    achievedRate: service.achievedRate,
    durationS: ctx.config.latencyDurationS,
    sent: service.sent,
    acknowledged: service.acknowledged,
    delivered: service.delivered,
    foreignCpuCores: service.foreignCpuCores,
    relayProcess: {
      p50Ms: split.fromResponse.p50Ms,
      p99Ms: split.fromResponse.p99Ms,
      maxMs: split.fromResponse.maxMs,
      fromOccurredAt: {
        p50Ms: split.fromOccurredAt.p50Ms,
        p99Ms: split.fromOccurredAt.p99Ms,
        maxMs: split.fromOccurredAt.maxMs,
      },
      delivered: split.delivered,
      acknowledged: split.acknowledged,
      foreignCpuCores: split.foreignCpuCores,
    },
    raw: {
      p50Ms: raw.fromResponse.p50Ms,
      p99Ms: raw.fromResponse.p99Ms,
      maxMs: raw.fromResponse.maxMs,
      fromOccurredAt: {
        p50Ms: raw.fromOccurredAt.p50Ms,
        p99Ms: raw.fromOccurredAt.p99Ms,
        maxMs: raw.fromOccurredAt.maxMs,
      },
      delivered: raw.delivered,
      acknowledged: raw.acknowledged,
      foreignCpuCores: raw.foreignCpuCores,
    },
  };
}
