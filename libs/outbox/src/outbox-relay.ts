/**
 * The relay: drains `outbox_messages` to the transport, so that every committed change is announced at least once,
 * in order per aggregate.
 *
 * When it runs: right after a local commit (OutboxSignal), and every OUTBOX_POLL_MS as the safety net for commits
 * made by other processes and for rows whose backoff has expired. It works in lanes, up to `batchesInFlight` of
 * them: a lane claims batches of OUTBOX_BATCH_SIZE, one after the other, until nothing is due. A wake-up with a
 * lane free starts one at once, so a commit does not wait behind a batch that is awaiting the broker's confirms
 * (several milliseconds for persistent messages); with every lane busy it asks for exactly one more lane after
 * the first to end. A batch that comes back full says a backlog is due: it opens another lane, which claims the
 * next batch while the first awaits its confirms, instead of leaving the database and the broker idle in turn.
 * Lanes are claimed, gated and settled exactly as several relays' batches are (the claim hands a row to one batch
 * only; the gate holds back a row whose aggregate has an earlier row in another batch), so order per aggregate
 * holds for the same reasons.
 *
 * Wake-ups are coalesced under load only. A wake-up that finds the relay idle for longer than `coalesceMs` runs it
 * at once (a lone commit reaches the broker within milliseconds). One that comes within `coalesceMs` of the end
 * of a lane that published something means commits are streaming in about as fast as the relay drains them: the
 * lane then starts `coalesceMs` later, so that one claim, one publish round and one mark carry the rows of many
 * commits instead of one each. The delay is bounded by `coalesceMs` and never applies to an idle relay.
 *
 * A batch: claim rows (see claim/outbox-claim.ts), hold back rows whose aggregate has an earlier row owed elsewhere
 * (claim/per-aggregate-order.ts), publish the rest — one aggregate's rows one after the other, each waiting for the
 * broker's ack, different aggregates concurrently on the confirm channel — then record the outcome and release.
 * A row goes out as the messages `publicationsOf` makes of it (by default the row as written; more than one while
 * an event is published in two versions), all at once, and counts as published once all are acked.
 *
 * Failures come in two kinds, told apart by the transport:
 * - The message's own failure (nacked, unroutable, an event type with no routing key...): the row backs off
 *   exponentially (1 s × 2^n with jitter, at most 5 min) through `attempts`/`available_at`/`last_error`, and is
 *   dead-lettered after OUTBOX_MAX_ATTEMPTS. Its aggregate's later rows wait behind it meanwhile.
 * - The transport is unavailable (broker down, connection lost, confirm timed out): that says nothing about the
 *   rows, so it costs them no attempt. Counting it would turn every row of the backlog into a dead letter during an
 *   ordinary broker restart. Instead the relay pauses with its own backoff (250 ms doubling to 15 s) and tries
 *   again; rows already acked are marked, the rest are released untouched. The same goes for a database error.
 */
import { Logger } from '@nestjs/common';
import {
  BROKER_UNAVAILABLE_BACKOFF,
  type BackoffPolicy,
  backoffDelayMs,
  judgeFailure,
  ROW_FAILURE_BACKOFF,
} from './backoff';
import type { FailedPublish, OutboxClaim, PublishResults } from './claim/outbox-claim';
import type { OutboxMessage } from './outbox-message';
import type { OutboxPublicationsOf } from './outbox-publications';
import type { OutboxSignal } from './outbox-signal';
import { type OutboxTransport, TransportUnavailableError } from './transport/outbox.transport';

export interface OutboxRelayOptions {
  readonly batchSize: number;
  readonly pollMs: number;
  readonly maxAttempts: number;
  /** Backoff of a row whose publish failed. */
  readonly rowBackoff?: BackoffPolicy;
  /** Pause of the relay while the transport or the database is unavailable. */
  readonly unavailableBackoff?: BackoffPolicy;
  /** How long `stop()` lets the batch in flight finish before abandoning it. */
  readonly stopGraceMs?: number;
  /** The bounded delay of a wake-up that comes right after a run, under load (see the header); 0 turns it off. */
  readonly coalesceMs?: number;
  /** What each row is published as; unset: the row as written. */
  readonly publicationsOf?: OutboxPublicationsOf;
  /** Lanes, each with at most one batch in flight (see the header); unset: 1. */
  readonly batchesInFlight?: number;
}

/** A few milliseconds: at hundreds of commits per second, a batch gathers several of them. */
const DEFAULT_COALESCE_MS = 3;

export interface BatchReport {
  readonly claimed: number;
  readonly published: number;
  readonly failed: number;
  readonly deferred: number;
  /** The transport became unavailable during the batch. */
  readonly unavailable: TransportUnavailableError | null;
}

export interface RelayCounters {
  published: number;
  failed: number;
  deadLettered: number;
  batches: number;
}

/** After this many batches in a row that published nothing (all held back), wait for the next wake-up or poll. */
const MAX_STALLED_BATCHES = 3;
const STALLED_PAUSE_MS = 20;

export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly rowBackoff: BackoffPolicy;
  private readonly unavailableBackoff: BackoffPolicy;
  private readonly lanes = new Set<Promise<void>>();
  private readonly maxLanes: number;
  private runAgain = false;
  private started = false;
  private stopping = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private unavailableInARow = 0;
  private stopWaking: (() => void) | undefined;
  private coalesceTimer: NodeJS.Timeout | undefined;
  /** When the last lane that published something ended (ms since the epoch); 0 before any. */
  private lastBusyLaneEnded = 0;
  readonly counters: RelayCounters = { published: 0, failed: 0, deadLettered: 0, batches: 0 };

  constructor(
    private readonly claim: OutboxClaim,
    private readonly transport: OutboxTransport,
    private readonly options: OutboxRelayOptions,
  ) {
    this.rowBackoff = options.rowBackoff ?? ROW_FAILURE_BACKOFF;
    this.unavailableBackoff = options.unavailableBackoff ?? BROKER_UNAVAILABLE_BACKOFF;
    this.maxLanes = Math.max(1, options.batchesInFlight ?? 1);
  }

  get claimMode(): OutboxClaim['mode'] {
    return this.claim.mode;
  }

  /** Starts polling, listens to `signal` for commits in this process, and runs once now. */
  start(signal?: OutboxSignal): void {
    if (this.started) return;
    this.started = true;
    this.stopWaking = signal?.onWake(() => this.wake());
    this.pollTimer = setInterval(() => this.trigger(), this.options.pollMs);
    this.pollTimer.unref();
    this.trigger();
  }

  /** A commit in this process wrote outbox rows: run now, or a few milliseconds later under load. */
  wake(): void {
    if (this.coalesceTimer) return; // a run is already due
    const coalesceMs = this.options.coalesceMs ?? DEFAULT_COALESCE_MS;
    if (this.lanes.size > 0 || coalesceMs === 0 || Date.now() - this.lastBusyLaneEnded > coalesceMs)
      return this.trigger();
    this.coalesceTimer = setTimeout(() => {
      this.coalesceTimer = undefined;
      this.trigger();
    }, coalesceMs);
  }

  /**
   * Asks for a lane: one starts at once if a lane is free; with every lane busy, exactly one more starts after the
   * first to end; while paused, the resume asks.
   */
  trigger(): void {
    if (!this.started || this.stopping || this.paused) return;
    if (this.lanes.size >= this.maxLanes) {
      this.runAgain = true;
      return;
    }
    this.runAgain = false;
    this.openLane();
  }

  private openLane(): void {
    const lane: Promise<void> = this.drainLane(() => {
      if (this.lanes.size < this.maxLanes && !this.stopping && !this.paused) this.openLane();
    })
      .then(
        (published) => {
          if (published > 0) this.lastBusyLaneEnded = Date.now();
        },
        (error: unknown) => this.pause(error),
      )
      .finally(() => {
        this.lanes.delete(lane);
        if (this.runAgain) this.trigger();
      });
    this.lanes.add(lane);
  }

  /** Stops taking new batches, lets the one in flight finish (or abandons it after the grace period). */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.resumeTimer);
    clearTimeout(this.coalesceTimer);
    this.stopWaking?.();
    if (this.lanes.size === 0) return;
    const inFlight = Promise.all([...this.lanes]);
    const grace = this.options.stopGraceMs ?? 10_000;
    if (await settlesWithin(inFlight, grace)) return;
    // Closing the transport fails the publishes still waiting for a confirm; the batch then records what was acked
    // and releases the rest, which another relay (or the next start) publishes.
    this.logger.warn(`the batch in flight did not finish within ${grace} ms; abandoning it`);
    await this.transport.close();
    await settlesWithin(inFlight, grace);
  }

  /** Runs one batch; exposed for tests and tools that drive the relay by hand. */
  relayBatch(): Promise<BatchReport> {
    return this.runBatch(() => undefined);
  }

  /** One batch; `claimedFull` is called, before anything is published, when the claim filled the batch. */
  private async runBatch(claimedFull: () => void): Promise<BatchReport> {
    const started = Date.now();
    const batch = await this.claim.claim(this.options.batchSize, new Date());
    if (!batch) return { claimed: 0, published: 0, failed: 0, deferred: 0, unavailable: null };
    if (batch.messages.length + batch.deferred >= this.options.batchSize) claimedFull();
    const { results, unavailable } = await this.publishAll(batch.messages);
    await batch.settle(results, new Date());
    this.count(results);
    const report = {
      claimed: batch.messages.length + batch.deferred,
      published: results.published.length,
      failed: results.failed.length,
      deferred: batch.deferred,
      unavailable,
    };
    this.logger.debug(
      `batch: ${report.published} published, ${report.failed} failed, ${report.deferred} held back for order, ` +
        `${batch.messages.length - report.published - report.failed} not sent, in ${Date.now() - started} ms`,
    );
    return report;
  }

  /**
   * One lane: claims batches until nothing is due; resolves (never rejects) with the number of rows it published.
   * `claimedFull` is called when a claim filled its batch.
   */
  private async drainLane(claimedFull: () => void): Promise<number> {
    let stalled = 0;
    let published = 0;
    while (!this.stopping && !this.paused) {
      let report: BatchReport;
      try {
        report = await this.runBatch(claimedFull);
      } catch (error) {
        this.pause(error);
        return published;
      }
      published += report.published;
      if (report.unavailable) {
        this.pause(report.unavailable);
        return published;
      }
      this.unavailableInARow = 0;
      if (report.claimed === 0) return published;
      if (report.deferred === 0 && report.claimed < this.options.batchSize) return published;
      // Rows held back wait for another relay's batch (milliseconds) or for a backoff (seconds): retry a few
      // times quickly, then leave them to the poll rather than spin.
      stalled = report.published + report.failed > 0 ? 0 : stalled + 1;
      if (stalled > MAX_STALLED_BATCHES) return published;
      if (stalled > 0) await sleep(STALLED_PAUSE_MS * stalled);
    }
    return published;
  }

  private async publishAll(
    messages: readonly OutboxMessage[],
  ): Promise<{ results: PublishResults; unavailable: TransportUnavailableError | null }> {
    const published: OutboxMessage[] = [];
    const failed: FailedPublish[] = [];
    let unavailable: TransportUnavailableError | null = null;
    const publishInOrder = async (sameAggregate: readonly OutboxMessage[]) => {
      for (const message of sameAggregate) {
        if (unavailable) return;
        try {
          // A row's messages (its event in each published version) go out together and are awaited together: each
          // version is its own stream, in order because the row's next event waits for all of them. They share the
          // row's id, by which the RabbitMQ transport tells the broker's returns apart, so a return may be charged
          // to the wrong one of them: the row fails either way. A failure part-way sends the whole row again.
          await Promise.all(this.publicationsOf(message).map((publication) => this.transport.publish(publication)));
          published.push(message);
        } catch (error) {
          if (error instanceof TransportUnavailableError) {
            unavailable ??= error;
            return;
          }
          failed.push(this.failure(message, error));
          return; // the aggregate's later rows must not overtake this one: they stay unsent and are released
        }
      }
    };
    await Promise.all([...groupByAggregate(messages).values()].map(publishInOrder));
    return { results: { published, failed }, unavailable };
  }

  private publicationsOf(row: OutboxMessage): OutboxMessage[] {
    const { publicationsOf } = this.options;
    if (!publicationsOf) return [row];
    return publicationsOf(row.type, row.payload).map(({ type, payload }) => ({ ...row, type, payload }));
  }

  private failure(message: OutboxMessage, error: unknown): FailedPublish {
    const reason = (error as Error)?.message ?? String(error);
    const verdict = judgeFailure(message.attempts, this.options.maxAttempts, new Date(), this.rowBackoff);
    if (verdict.kind === 'dead-letter') {
      this.logger.error(
        `dead-lettered ${message.type} ${message.id} (${message.aggregateType} ${message.aggregateId}) after ${verdict.attempts} attempts: ${reason}`,
      );
    } else {
      this.logger.warn(
        `publishing ${message.type} ${message.id} failed (attempt ${verdict.attempts} of ${this.options.maxAttempts}), ` +
          `retrying at ${verdict.availableAt.toISOString()}: ${reason}`,
      );
    }
    return { message, verdict, error: reason };
  }

  private count(results: PublishResults): void {
    this.counters.batches++;
    this.counters.published += results.published.length;
    this.counters.failed += results.failed.length;
    this.counters.deadLettered += results.failed.filter((f) => f.verdict.kind === 'dead-letter').length;
  }

  private pause(error: unknown): void {
    if (this.paused) return; // another lane of the same run paused already
    const delay = backoffDelayMs(this.unavailableInARow++, this.unavailableBackoff);
    const what =
      error instanceof TransportUnavailableError
        ? `the ${this.transport.name} transport is unavailable`
        : 'relaying failed';
    this.logger.warn(`${what}; pausing ${delay} ms: ${(error as Error)?.message ?? String(error)}`);
    this.paused = true;
    this.resumeTimer = setTimeout(() => {
      this.paused = false;
      this.trigger();
    }, delay);
    this.resumeTimer.unref();
  }
}

/** Keeps position order within each aggregate (a Map iterates in insertion order, arrays keep push order). */
function groupByAggregate(messages: readonly OutboxMessage[]): Map<string, OutboxMessage[]> {
  const groups = new Map<string, OutboxMessage[]>();
  for (const message of messages) {
    const group = groups.get(message.aggregateId);
    if (group) group.push(message);
    else groups.set(message.aggregateId, [message]);
  }
  return groups;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
