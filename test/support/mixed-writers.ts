/**
 * The two kinds of writer of the "leaving AUTO_INCREMENT" tests, each keeping a ledger of what it saw acknowledged:
 * a legacy writer (plain mysql2, inserting without ids as legacy code does, reconnecting after a server restart)
 * and a client registering through CustomerFlow's API.
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mysql2/promise';

export interface Acknowledged {
  readonly id: string;
  readonly email: string;
}

export interface WriterLedger {
  readonly acknowledged: Acknowledged[];
  /**
   * Failures that must never happen: a duplicate key (legacy writer), a 500 (API, where a clash on the id would
   * surface as one since only email and document clashes are 409s).
   */
  readonly forbidden: string[];
  /** Other failures (the server restarting, a process rolling over): the outcome is unknown or refused. */
  otherFailures: number;
}

function emptyLedger(): WriterLedger {
  return { acknowledged: [], forbidden: [], otherFailures: 0 };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LegacyInsert {
  /** The INSERT, without the id column; `?` is the email. */
  readonly sql: string;
  readonly params: (email: string) => unknown[];
}

/** `connections` loops inserting rows through plain mysql2 until `stop()`. */
export class LegacyWriter {
  readonly ledger = emptyLedger();
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly connect: () => Promise<Connection>,
    private readonly insert: LegacyInsert,
    connections: number,
  ) {
    for (let i = 0; i < connections; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<WriterLedger> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.ledger;
  }

  private async loop(): Promise<void> {
    let connection: Connection | null = null;
    while (!this.stopped) {
      try {
        connection ??= await this.connect();
      } catch {
        await sleep(200); // the server is restarting
        continue;
      }
      const email = `legacy.${randomUUID()}@example.com`;
      try {
        const [result] = (await connection.query(
          { sql: this.insert.sql, timeout: 10_000 },
          this.insert.params(email),
        )) as [{ insertId: number | string }, unknown];
        this.ledger.acknowledged.push({ id: String(result.insertId), email });
      } catch (error) {
        if (isDuplicateKey(error)) this.ledger.forbidden.push((error as Error).message);
        else this.ledger.otherFailures += 1;
        connection.destroy();
        connection = null;
      }
    }
    await connection?.end().catch(() => undefined);
  }
}

/** `workers` loops registering customers through the API at `baseUrl()` (it changes when a process is rolled). */
export class ApiWriter {
  readonly ledger = emptyLedger();
  readonly statuses = new Map<string, number>();
  private stopped = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly baseUrl: () => string,
    workers: number,
  ) {
    for (let i = 0; i < workers; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<WriterLedger> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.ledger;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const email = `api.${randomUUID()}@example.com`;
      let status = 'error';
      try {
        const response = await fetch(`${this.baseUrl()}/v1/customers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Mixed Writer', email }),
          signal: AbortSignal.timeout(15_000),
        });
        status = String(response.status);
        const body = (await response.json()) as { id?: string; detail?: string };
        if (response.status === 201) this.ledger.acknowledged.push({ id: body.id!, email });
        else if (response.status === 500) this.ledger.forbidden.push(`500 ${body.detail}`);
        else this.ledger.otherFailures += 1;
      } catch {
        this.ledger.otherFailures += 1;
      }
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
      if (status !== '201') await sleep(100);
    }
  }
}

export function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; errno?: number };
  return e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062;
}
