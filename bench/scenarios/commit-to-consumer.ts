/**
 * commit-to-consumer: 100 registrations a second for 10 s, paced (not closed-loop), while a subscriber on its own
 * queue bound to `customer.#` timestamps each delivery. The figure is measured from the moment the bench has the
 * POST's 201 response (the commit happened before it was sent) to the delivery of that customer's event: it leaves
 * out the response's trip back, so it can even be slightly negative when the event overtakes the response. The
 * same delivery measured from the event's `time` (occurred_at, stamped before the INSERTs) is reported beside it.
 *
 * Both sides relay in process, woken right after the commit. A warm-up of 50 registrations first opens the lazy
 * broker connection and warms the JIT; those are left out.
 */
import { Agent, request } from 'node:http';
import { benchAuthorization } from '../support/auth';
import { type BenchContext, SIDE_LABEL, withHttpSide } from '../support/context';
import { registrationBody } from '../support/customers-data';
import { emptyTables } from '../support/database';
import { watchForeignCpu } from '../support/foreign-cpu';
import { type Side, sleep } from '../support/processes';
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

async function runSide(ctx: BenchContext, side: Side): Promise<SideResult> {
  const { config, progress } = ctx;
  await emptyTables(ctx.db);
  await ctx.broker.purge();
  return withHttpSide(ctx, side, 'commitToConsumer', async (startedSide) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const delivered = new Map<string, { at: number; time: number }>();
    const unsubscribe = await ctx.broker.subscribe((at, event) =>
      delivered.set(event.subject, { at, time: Date.parse(event.time) }),
    );
    try {
      progress.begin(`commit-to-consumer · ${SIDE_LABEL[side]} · warm-up`);
      for (let i = 0; i < 50; i++) await post(agent, config.port, JSON.stringify(registrationBody(++sequence, tag)));
      await sleep(1000);
      delivered.clear();

      progress.begin(`commit-to-consumer · ${SIDE_LABEL[side]}`);
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
  });
}

export async function commitToConsumerScenario(ctx: BenchContext) {
  const service = await runSide(ctx, 'service');
  const raw = await runSide(ctx, 'raw');
  for (const [side, r] of [
    ['service', service],
    ['raw floor', raw],
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
