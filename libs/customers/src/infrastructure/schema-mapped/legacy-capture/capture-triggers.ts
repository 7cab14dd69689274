/**
 * The SQL of the legacy-capture triggers (`npm run legacy:capture -- install`): AFTER INSERT/UPDATE/DELETE triggers
 * on the mapped customer table (and the mapped address table) that announce each change the legacy code makes as
 * the same CloudEvents CustomerFlow emits, written to `outbox_messages` inside the legacy statement itself, so the
 * legacy change and its event commit (or roll back) together. Pure text generation from the schema map, so a unit
 * test can read what is installed and the hash in the trigger names says which map and which code built them.
 *
 * What every trigger does, in order:
 *
 * 1. Nothing when `@customerflow_writer` is set: CustomerFlow's own sessions set it (writer-session.ts) and announce
 *    their changes themselves, so no change is announced twice.
 * 2. Nothing for a customer that is erased (CustomerFlow's state says so, or the legacy status column holds the
 *    erased value): the API answers 410 for it, and its personal data must not be announced again.
 * 3. The values as the contract has them, normalised where the service normalises input (name and email trimmed,
 *    email lower-cased, the document without its mask, the country upper-cased). A nullable value that still
 *    breaks the contract's schema (a phone not in E.164 form, a document of the wrong length, an impossible birth
 *    date) is announced as null: the event says "not in a form the contract carries", and GET serves the raw value.
 * 4. An update announces only the fields whose announced value changed (compared as bytes with `<=>`, so a change of
 *    case is a change and NULL equals NULL); a statement that changes nothing announced emits nothing.
 * 5. The customer's version advances by one per event, so `sequence` keeps growing per customer across legacy and
 *    CustomerFlow changes, and an API client's ETag (`"<version>.<digest>"`) and the version check in
 *    CustomerFlow's UPDATE both notice the legacy change. Where the map names no version column the version lives in
 *    `customerflow_customer_state`. Where it names the legacy code's own version column, that column is the version
 *    (CustomerFlow reads and writes it), so the customer table's update trigger runs BEFORE the row is written and
 *    sets the column to the last event's version: a legacy UPDATE that forgot to bump it is bumped, one that bumped it
 *    is not bumped twice, one that announces nothing keeps the legacy code's value.
 * 6. The outbox row. A value the contract requires that the legacy row cannot give (a NULL or malformed email, an
 *    empty name, an address without a street) does not fail the legacy write and is not published either: the
 *    row is written as a dead letter at once, `last_error` naming the field, for an operator to see in
 *    `GET /v1/admin/outbox/dead-letters`; subscribers see the gap in `sequence`.
 *
 * The triggers are created with a lenient sql_mode of their own (a stored program keeps the sql_mode it was created
 * with), so odd legacy data produces warnings, never an error that would fail the legacy application's statement.
 * They fail the legacy statement only when the outbox itself cannot be written (the table dropped, a lock wait
 * timeout), which is the outbox's promise: no legacy change without its event.
 */
import { createHash } from 'node:crypto';
import { CLOUDEVENTS_SOURCE, CUSTOMER_AGGREGATE_TYPE, CustomerEventType } from '@customerflow/contracts';
import {
  type AddressField,
  type LegacyValue,
  type SchemaMap,
  FORGOTTEN_RESPONSE,
  type StatusMap,
  WRITER_SESSION_VARIABLE,
} from '@customerflow/platform';
import { ERASED_PLACEHOLDERS } from '../../customer-integration-events';

export const CAPTURE_TRIGGER_PREFIX = 'customerflow_capture_';

/** The sql_mode the triggers run with: no strict mode (odd data is a warning), no backslash surprises. */
export const CAPTURE_SQL_MODE = 'NO_ENGINE_SUBSTITUTION';

export type CaptureServer = 'mariadb' | 'mysql';

export interface CaptureTrigger {
  readonly name: string;
  readonly table: string;
  readonly timing: 'AFTER' | 'BEFORE';
  readonly event: 'INSERT' | 'UPDATE' | 'DELETE';
  /** The whole CREATE TRIGGER statement. */
  readonly sql: string;
}

export interface CapturePlan {
  /** Ten hex digits of a hash of every trigger's body: a different map (or code) gives different names. */
  readonly hash: string;
  readonly triggers: readonly CaptureTrigger[];
  /** The tables the triggers are on. */
  readonly tables: readonly string[];
}

/** Why a map cannot be captured; install refuses with this. */
export class CaptureNotSupported extends Error {}

const STATE = 'customerflow_customer_state';
const q = (identifier: string): string => `\`${identifier}\``;

// ajv-formats' "email" (full mode), with `.` as [.] so the SQL literal needs no backslash escapes.
const EMAIL_PATTERN =
  "^[a-z0-9!#$%&''*+/=?^_`{|}~-]+(?:[.][a-z0-9!#$%&''*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?[.])+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$";
const E164_PATTERN = '^[+][1-9][0-9]{7,14}$';
const DATE_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';

/** The triggers for this map, on this server flavour. */
export function capturePlan(map: SchemaMap, server: CaptureServer): CapturePlan {
  const versionColumn = map.customers.columns.version;
  if (versionColumn !== null && map.addresses) {
    // An address trigger would have to UPDATE the customer row to advance its version, and MySQL refuses a trigger
    // that writes a table its own statement reads (error 1442: `DELETE FROM enderecos WHERE id_cliente IN (SELECT
    // … FROM clientes …)`), which would fail the legacy application's statement.
    throw new CaptureNotSupported(
      `customers.columns.version maps the legacy version column ${versionColumn} and addresses a legacy table: an ` +
        'address change would have to advance the customer row from a trigger on the address table, which fails ' +
        'legacy statements that read the customer table. Capture such a map with "version": null (CustomerFlow then ' +
        'keeps the version in customerflow_customer_state and the digest of the rows still catches legacy changes).',
    );
  }
  const sql = new CaptureSql(map, server);
  const bodies: Omit<CaptureTrigger, 'name'>[] = [
    { table: map.customers.table, timing: 'AFTER', event: 'INSERT', sql: sql.customerInserted() },
    {
      table: map.customers.table,
      timing: versionColumn === null ? 'AFTER' : 'BEFORE',
      event: 'UPDATE',
      sql: sql.customerUpdated(),
    },
    { table: map.customers.table, timing: 'AFTER', event: 'DELETE', sql: sql.customerDeleted() },
  ];
  if (map.addresses) {
    const a = map.addresses.table;
    bodies.push(
      { table: a, timing: 'AFTER', event: 'INSERT', sql: sql.addressChanged('INSERT') },
      { table: a, timing: 'AFTER', event: 'UPDATE', sql: sql.addressChanged('UPDATE') },
      { table: a, timing: 'AFTER', event: 'DELETE', sql: sql.addressChanged('DELETE') },
    );
  }
  const hash = createHash('sha256')
    .update(bodies.map((b) => `${b.table} ${b.timing} ${b.event}\n${b.sql}`).join('\n'))
    .digest('hex')
    .slice(0, 10);
  const triggers = bodies.map((body) => {
    const kind = body.table === map.customers.table ? 'c' : 'a';
    const name = `${CAPTURE_TRIGGER_PREFIX}${hash}_${kind}_${body.event.toLowerCase().slice(0, 3)}`;
    return {
      ...body,
      name,
      sql: `CREATE TRIGGER ${q(name)} ${body.timing} ${body.event} ON ${q(body.table)} FOR EACH ROW\n${body.sql}`,
    };
  });
  return { hash, triggers, tables: [...new Set(triggers.map((t) => t.table))] };
}

class CaptureSql {
  constructor(
    private readonly map: SchemaMap,
    private readonly server: CaptureServer,
  ) {}

  private get t() {
    return this.map.customers;
  }

  private get c() {
    return this.map.customers.columns;
  }

  customerInserted(): string {
    const row = 'NEW';
    const id = this.col(row, this.t.id);
    return block([
      ...this.declarations(),
      `DECLARE v_addresses LONGTEXT CHARACTER SET utf8mb4;`,
      `DECLARE v_address_problem TEXT;`,
      skipOwnWrites(),
      `IF ${this.legacyState(row)} = 'erased' THEN LEAVE capture; END IF;`,
      `SET v_id = CAST(${id} AS CHAR);`,
      ...this.addressList(id),
      `SET v_problem = COALESCE(${this.requiredProblem(row, 'name')}, ${this.requiredProblem(row, 'email')}, ${this.timeProblem(this.col(row, this.c.createdAt), 'createdAt')}, v_address_problem);`,
      `SET v_updated_at = ${this.c.updatedAt ? this.col(row, this.c.updatedAt) : this.col(row, this.c.createdAt)};`,
      // A reused id (an explicit id the legacy code inserted again) starts a new life: its erasure is forgotten.
      ...(this.c.version
        ? [
            `SET v_version = COALESCE(${this.col(row, this.c.version)}, 1);`,
            `INSERT INTO ${STATE} (customer_id, status, version, updated_at, erased_at) VALUES (${id}, NULL, v_version, NULL, NULL)`,
            `  ON DUPLICATE KEY UPDATE version = v_version, status = NULL, updated_at = NULL, erased_at = NULL;`,
          ]
        : [
            `INSERT INTO ${STATE} (customer_id, status, version, updated_at, erased_at) VALUES (${id}, NULL, 1, NULL, NULL)`,
            `  ON DUPLICATE KEY UPDATE version = version + 1, status = NULL, updated_at = NULL, erased_at = NULL;`,
            `SET v_version = (SELECT s.version FROM ${STATE} s WHERE s.customer_id = ${id});`,
          ]),
      ...this.emit(
        CustomerEventType.registered,
        `JSON_OBJECT('id', v_id, 'name', ${this.nameOf(row)}, 'email', ${this.emailOf(row)}, 'phone', ${this.phoneOf(row)}, ` +
          `'document', JSON_EXTRACT(${this.documentOf(row)}, '$'), 'birthDate', ${this.birthDateOf(row)}, ` +
          `'status', ${this.legacyState(row)}, 'addresses', JSON_EXTRACT(v_addresses, '$'), ` +
          `'createdAt', ${iso(this.col(row, this.c.createdAt))}, 'updatedAt', ${iso('v_updated_at')}, 'version', CAST(v_version AS SIGNED))`,
      ),
    ]);
  }

  customerUpdated(): string {
    const id = this.col('NEW', this.t.id);
    const changes: string[] = [];
    const field = (name: string, announced: (row: string) => string, problem: string | null, json = false) => {
      const value = (row: string) => (json ? `JSON_EXTRACT(${announced(row)}, '$')` : announced(row));
      changes.push(
        `IF NOT (BINARY (${announced('OLD')}) <=> BINARY (${announced('NEW')})) THEN`,
        `  SET v_changes = JSON_SET(v_changes, '$.${name}', ${value('NEW')});`,
        ...(problem ? [`  SET v_problem = COALESCE(v_problem, ${problem});`] : []),
        'END IF;',
      );
    };
    field('name', (row) => this.nameOf(row), this.requiredProblem('NEW', 'name'));
    field('email', (row) => this.emailOf(row), this.requiredProblem('NEW', 'email'));
    if (this.c.phone) field('phone', (row) => this.phoneOf(row), null);
    if (this.c.document) field('document', (row) => this.documentOf(row), null, true);
    if (this.c.birthDate) field('birthDate', (row) => this.birthDateOf(row), null);
    const updatedAt = this.c.updatedAt
      ? `COALESCE(${this.col('NEW', this.c.updatedAt)}, UTC_TIMESTAMP())`
      : 'UTC_TIMESTAMP()';
    const statusEvents = this.c.status
      ? [
          `SET v_old_state = COALESCE(v_own, ${this.legacyState('OLD')});`,
          `SET v_new_state = COALESCE(v_own, ${this.legacyState('NEW')});`,
          `IF v_new_state <> v_old_state THEN`,
          `  SET v_problem = NULL;`,
          `  IF v_new_state = 'erased' THEN`,
          ...indent(this.bump(id, { erased: false }), 4),
          ...indent(this.forgetErasedData(), 4),
          ...indent(
            this.emit(
              CustomerEventType.erased,
              `JSON_OBJECT('id', v_id, 'version', CAST(v_version AS SIGNED), 'erasedAt', ${iso('v_now')})`,
            ),
            4,
          ),
          `  ELSE`,
          ...indent(this.bump(id, { erased: false }), 4),
          `    IF v_new_state = 'inactive' THEN`,
          ...indent(this.emit(CustomerEventType.deactivated, this.statusData('inactive')), 6),
          `    ELSE`,
          ...indent(this.emit(CustomerEventType.reactivated, this.statusData('active')), 6),
          `    END IF;`,
          `  END IF;`,
          `END IF;`,
        ]
      : [];
    return block([
      ...this.declarations(),
      `DECLARE v_changes LONGTEXT CHARACTER SET utf8mb4 DEFAULT '{}';`,
      `DECLARE v_old_state VARCHAR(8);`,
      `DECLARE v_new_state VARCHAR(8);`,
      skipOwnWrites(),
      `SET v_id = CAST(${id} AS CHAR);`,
      `SET v_own = (SELECT s.status FROM ${STATE} s WHERE s.customer_id = ${id});`,
      `IF v_own <=> 'erased' OR ${this.legacyState('OLD')} = 'erased' THEN LEAVE capture; END IF;`,
      ...(this.c.version ? [`SET v_version = ${this.versionBefore()};`] : []),
      `SET v_updated_at = ${updatedAt};`,
      ...changes,
      `IF JSON_LENGTH(v_changes) > 0 THEN`,
      ...indent(this.bump(id, { erased: false }), 2),
      ...indent(
        this.emit(
          CustomerEventType.updated,
          `JSON_OBJECT('id', v_id, 'version', CAST(v_version AS SIGNED), 'updatedAt', ${iso('v_updated_at')}, 'changes', JSON_EXTRACT(v_changes, '$'))`,
        ),
        2,
      ),
      `END IF;`,
      ...statusEvents,
      ...(this.c.version
        ? [
            `IF v_version > COALESCE(${this.col('NEW', this.c.version)}, 0) THEN SET ${this.col('NEW', this.c.version)} = v_version; END IF;`,
          ]
        : []),
    ]);
  }

  /**
   * The version the update's first event follows, from the legacy version column: the row's version before the
   * statement, or one less than the value the statement writes when the legacy code bumped the column itself (its
   * bump then is the first event's version, not one more).
   */
  private versionBefore(): string {
    const column = this.c.version!;
    return `GREATEST(COALESCE(${this.col('OLD', column)}, 0), COALESCE(${this.col('NEW', column)}, 0) - 1)`;
  }

  customerDeleted(): string {
    const id = this.col('OLD', this.t.id);
    return block([
      ...this.declarations(),
      skipOwnWrites(),
      `SET v_id = CAST(${id} AS CHAR);`,
      `SET v_own = (SELECT s.status FROM ${STATE} s WHERE s.customer_id = ${id});`,
      `IF v_own <=> 'erased' OR ${this.legacyState('OLD')} = 'erased' THEN LEAVE capture; END IF;`,
      ...(this.c.version ? [`SET v_version = COALESCE(${this.col('OLD', this.c.version)}, 0);`] : []),
      ...this.bump(id, { erased: true }),
      ...this.forgetErasedData(),
      ...this.emit(
        CustomerEventType.erased,
        `JSON_OBJECT('id', v_id, 'version', CAST(v_version AS SIGNED), 'erasedAt', ${iso('v_now')})`,
      ),
    ]);
  }

  /** An address row inserted, changed or deleted: `customer.updated` with the customer's whole address list. */
  addressChanged(event: 'INSERT' | 'UPDATE' | 'DELETE'): string {
    const a = this.map.addresses!;
    const customerOf = (row: string) => this.col(row, a.customerId);
    const announce = (row: string, label: string) => [
      `${label}: BEGIN`,
      ...indent(
        [
          `DECLARE v_addresses LONGTEXT CHARACTER SET utf8mb4;`,
          `DECLARE v_address_problem TEXT;`,
          `DECLARE v_legacy_state VARCHAR(8);`,
          `SET v_id = CAST(${customerOf(row)} AS CHAR);`,
          // The customer row may be gone (the legacy code deletes addresses and customer in either order).
          `SET v_legacy_state = (SELECT ${this.legacyState('c')} FROM ${q(this.t.table)} c WHERE c.${q(this.t.id)} = ${customerOf(row)});`,
          `IF v_legacy_state IS NULL OR v_legacy_state = 'erased' THEN LEAVE ${label}; END IF;`,
          `SET v_own = (SELECT s.status FROM ${STATE} s WHERE s.customer_id = ${customerOf(row)});`,
          `IF v_own <=> 'erased' THEN LEAVE ${label}; END IF;`,
          ...this.addressList(customerOf(row)),
          `SET v_problem = v_address_problem;`,
          `SET v_updated_at = UTC_TIMESTAMP();`,
          ...this.bump(customerOf(row), { erased: false }),
          ...this.emit(
            CustomerEventType.updated,
            `JSON_OBJECT('id', v_id, 'version', CAST(v_version AS SIGNED), 'updatedAt', ${iso('v_updated_at')}, 'changes', JSON_OBJECT('addresses', JSON_EXTRACT(v_addresses, '$')))`,
          ),
        ],
        2,
      ),
      `END ${label};`,
    ];
    const columns = [a.customerId, ...addressColumns(this.map)];
    const unchanged = columns.map((column) => `BINARY OLD.${q(column)} <=> BINARY NEW.${q(column)}`).join(' AND ');
    const statements =
      event === 'INSERT'
        ? announce('NEW', 'announce_new')
        : event === 'DELETE'
          ? announce('OLD', 'announce_old')
          : [
              `IF ${unchanged} THEN LEAVE capture; END IF;`,
              // Moved to another customer: both customers' lists changed.
              `IF NOT (OLD.${q(a.customerId)} <=> NEW.${q(a.customerId)}) THEN`,
              ...indent(announce('OLD', 'announce_old'), 2),
              `END IF;`,
              ...announce('NEW', 'announce_new'),
            ];
    return block([...this.declarations(), skipOwnWrites(), ...statements]);
  }

  private declarations(): string[] {
    return [
      `DECLARE v_now DATETIME(3) DEFAULT UTC_TIMESTAMP(3);`,
      `DECLARE v_id VARCHAR(20);`,
      `DECLARE v_own VARCHAR(8);`,
      `DECLARE v_version INT;`,
      `DECLARE v_updated_at DATETIME(3);`,
      `DECLARE v_problem TEXT;`,
      `DECLARE v_event_id CHAR(36);`,
      `DECLARE v_payload LONGTEXT CHARACTER SET utf8mb4;`,
    ];
  }

  /**
   * One more version: in CustomerFlow's state row (created at version 2: a row it never wrote is at version 1), or,
   * with a legacy version column, one more than v_version (the trigger writes it to the column), kept in the state
   * row too.
   */
  private bump(id: string, { erased }: { erased: boolean }): string[] {
    const ownUpdatedAt = this.c.updatedAt === null;
    const legacyVersion = this.c.version !== null;
    const values = `(${id}, ${erased ? "'erased'" : 'NULL'}, ${legacyVersion ? 'v_version' : '2'}, ${ownUpdatedAt ? 'v_updated_at' : 'NULL'}, ${erased ? 'v_now' : 'NULL'})`;
    const updates = [
      legacyVersion ? 'version = v_version' : 'version = version + 1',
      ...(ownUpdatedAt && !erased ? ['updated_at = v_updated_at'] : []),
      ...(erased ? ["status = 'erased'", 'erased_at = v_now'] : []),
    ];
    return [
      ...(legacyVersion ? ['SET v_version = v_version + 1;'] : []),
      `INSERT INTO ${STATE} (customer_id, status, version, updated_at, erased_at) VALUES ${values}`,
      `  ON DUPLICATE KEY UPDATE ${updates.join(', ')};`,
      ...(legacyVersion ? [] : [`SET v_version = (SELECT s.version FROM ${STATE} s WHERE s.customer_id = ${id});`]),
    ];
  }

  /**
   * What CustomerFlow's erasure does in its transaction (OutboxScrubber, IdempotencyStore.forgetResource), for an
   * erasure the legacy code made: the customer's earlier events lose their personal data (placeholders, as
   * scrubCustomerEventPayload writes them; at once for published rows and dead letters, in scrubbed_payload for the
   * relay to swap in for rows still owed) and stored API responses about the customer are forgotten.
   */
  private forgetErasedData(): string[] {
    const placeholders = Object.entries(ERASED_PLACEHOLDERS).map(([field, value]) => {
      const sqlValue = value === null ? 'NULL' : Array.isArray(value) ? 'JSON_ARRAY()' : sqlString(String(value));
      return `'$.data.${field}', ${sqlValue}, '$.data.changes.${field}', ${sqlValue}`;
    });
    const scrubbed = `JSON_REPLACE(payload, ${placeholders.join(', ')})`;
    const owed = 'published_at IS NULL AND dead_lettered_at IS NULL';
    return [
      `UPDATE outbox_messages`,
      `   SET scrubbed_payload = CASE WHEN ${owed} THEN ${scrubbed} END,`,
      `       payload = CASE WHEN ${owed} THEN payload ELSE ${scrubbed} END`,
      ` WHERE aggregateid = v_id AND aggregatetype = '${CUSTOMER_AGGREGATE_TYPE}'`,
      `   AND type IN ('${CustomerEventType.registered}', '${CustomerEventType.updated}');`,
      `UPDATE idempotency_keys SET ${Object.entries(FORGOTTEN_RESPONSE)
        .map(([column, value]) => `${column} = ${typeof value === 'number' ? value : sqlString(value)}`)
        .join(', ')}`,
      ` WHERE resource_id = v_id;`,
    ];
  }

  /** The envelope (as toOutboxRecord builds it) and its outbox row; a dead letter at once when v_problem is set. */
  private emit(type: CustomerEventType, data: string): string[] {
    return [
      `SET v_event_id = UUID();`,
      `SET v_payload = JSON_OBJECT('specversion', '1.0', 'id', v_event_id, 'source', '${CLOUDEVENTS_SOURCE}', 'type', '${type}', ` +
        `'subject', v_id, 'time', ${iso('v_now')}, 'datacontenttype', 'application/json', 'sequence', CAST(v_version AS CHAR), ` +
        `'data', JSON_EXTRACT(${data}, '$'));`,
      `INSERT INTO outbox_messages (id, aggregatetype, aggregateid, type, payload, headers, occurred_at, available_at, dead_lettered_at, last_error)`,
      `  VALUES (v_event_id, '${CUSTOMER_AGGREGATE_TYPE}', v_id, '${type}', v_payload, '{}', v_now, v_now,`,
      `          IF(v_problem IS NULL, NULL, v_now), IF(v_problem IS NULL, NULL, CONCAT('legacy capture: ', v_problem, ': the event would break ${type}; fix the legacy row (its next change is announced)')));`,
    ];
  }

  private statusData(status: 'active' | 'inactive'): string {
    return `JSON_OBJECT('id', v_id, 'version', CAST(v_version AS SIGNED), 'status', '${status}', 'updatedAt', ${iso('v_updated_at')})`;
  }

  /** v_addresses (a JSON array, in id order, as GET lists them) and v_address_problem for one customer. */
  private addressList(customerId: string): string[] {
    const a = this.map.addresses;
    if (!a) return [`SET v_addresses = '[]';`]; // CustomerFlow's own customer_addresses: the legacy code writes none
    const value = (field: AddressField): string => {
      const source = a.columns[field];
      if (source.kind === 'constant') return sqlString(source.value);
      if (source.kind === 'absent') return 'NULL';
      const column = `x.${q(source.column)}`;
      if (field === 'country') return `UPPER(TRIM(${column}))`;
      if (field === 'postalCode') return `REPLACE(${column}, ' ', '')`;
      if (field === 'complement') return `NULLIF(TRIM(${column}), '')`;
      return `TRIM(${column})`;
    };
    const object = `JSON_OBJECT(${(
      ['street', 'number', 'complement', 'district', 'city', 'state', 'postalCode', 'country'] as const
    )
      .map((field) => `'${field}', ${value(field)}`)
      .join(', ')})`;
    const required = (['street', 'number', 'district', 'city', 'state', 'postalCode'] as const).map(
      (field) => `COALESCE(${value(field)}, '') = ''`,
    );
    const bad = `${required.join(' OR ')} OR NOT (COALESCE(${value('country')}, '') REGEXP '^[A-Z]{2}$')`;
    const from = `FROM ${q(a.table)} x WHERE x.${q(a.customerId)} = ${customerId}`;
    // MySQL's JSON_ARRAYAGG takes no ORDER BY: an ordered derived table gives the order there.
    const aggregate =
      this.server === 'mariadb'
        ? `SELECT JSON_ARRAYAGG(${object} ORDER BY x.${q(a.id)}), COUNT(*), SUM(CASE WHEN ${bad} THEN 1 ELSE 0 END) ${from}`
        : `SELECT JSON_ARRAYAGG(o.address), COUNT(*), SUM(o.bad) FROM (SELECT ${object} AS address, CASE WHEN ${bad} THEN 1 ELSE 0 END AS bad ${from} ORDER BY x.${q(a.id)} LIMIT 1000) o`;
    return [
      `BEGIN`,
      `  DECLARE v_count INT;`,
      `  DECLARE v_bad INT;`,
      `  ${aggregate}`,
      `    INTO v_addresses, v_count, v_bad;`,
      `  SET v_addresses = COALESCE(v_addresses, '[]');`,
      `  SET v_address_problem = CASE WHEN v_count > 5 THEN 'more than 5 addresses'`,
      `    WHEN v_bad > 0 THEN 'an address lacks street, number, district, city, state or postal code, or has no two-letter country' END;`,
      `END;`,
    ];
  }

  private col(row: string, column: string): string {
    return `${row}.${q(column)}`;
  }

  private nameOf(row: string): string {
    return `TRIM(${this.col(row, this.c.name)})`;
  }

  private emailOf(row: string): string {
    return `LOWER(TRIM(${this.col(row, this.c.email)}))`;
  }

  /** A required field the legacy row cannot give in the contract's form, named; NULL when it can. */
  private requiredProblem(row: string, field: 'name' | 'email'): string {
    if (field === 'name') {
      const name = this.nameOf(row);
      return `CASE WHEN ${name} IS NULL OR CHAR_LENGTH(${name}) NOT BETWEEN 1 AND 200 THEN 'name (column ${this.c.name}) is empty, NULL or longer than 200 characters' END`;
    }
    const email = this.emailOf(row);
    return `CASE WHEN ${email} IS NULL THEN 'email (column ${this.c.email}) is NULL' WHEN NOT (${email} REGEXP '${EMAIL_PATTERN}') THEN 'email (column ${this.c.email}) is not an email address' END`;
  }

  private timeProblem(value: string, field: string): string {
    return `CASE WHEN ${value} IS NULL OR YEAR(${value}) = 0 OR MONTH(${value}) = 0 OR DAYOFMONTH(${value}) = 0 THEN '${field} is NULL or a zero date' END`;
  }

  private phoneOf(row: string): string {
    if (!this.c.phone) return 'NULL';
    const phone = `TRIM(${this.col(row, this.c.phone)})`;
    return `CASE WHEN ${phone} REGEXP '${E164_PATTERN}' THEN ${phone} END`;
  }

  private birthDateOf(row: string): string {
    if (!this.c.birthDate) return 'NULL';
    const date = `DATE_FORMAT(${this.col(row, this.c.birthDate)}, '%Y-%m-%d')`;
    const column = this.col(row, this.c.birthDate);
    return `CASE WHEN ${date} REGEXP '${DATE_PATTERN}' AND DAYOFMONTH(LAST_DAY(${column})) >= DAYOFMONTH(${column}) THEN ${date} END`;
  }

  /** The document as JSON text (`{"type":"CPF","number":"…"}`), or NULL: without its mask, typed as GET types it. */
  private documentOf(row: string): string {
    const d = this.c.document;
    if (!d) return 'NULL';
    const number = this.col(row, d.number);
    const bare = `UPPER(REPLACE(REPLACE(REPLACE(REPLACE(TRIM(${number}), '.', ''), '-', ''), '/', ''), ' ', ''))`;
    const declared = d.type ? `UPPER(TRIM(${this.col(row, d.type)}))` : 'NULL';
    const type = `CASE WHEN ${declared} IN ('CPF', 'CNPJ') THEN ${declared} WHEN CHAR_LENGTH(${bare}) = 14 THEN 'CNPJ' ELSE 'CPF' END`;
    const valid = `((${type}) = 'CPF' AND ${bare} REGEXP '^[0-9]{11}$') OR ((${type}) = 'CNPJ' AND ${bare} REGEXP '^[0-9A-Z]{12}[0-9]{2}$')`;
    return `CASE WHEN ${valid} THEN JSON_OBJECT('type', ${type}, 'number', ${bare}) END`;
  }

  /** 'active', 'inactive' or 'erased' for the legacy status value in `row`, as MappedCustomerTables.statusOf reads it. */
  private legacyState(row: string): string {
    const status: StatusMap | null = this.c.status;
    if (!status) return `'active'`;
    const column = this.col(row, status.column);
    const is = (value: LegacyValue) => `${column} <=> ${typeof value === 'number' ? String(value) : sqlString(value)}`;
    const erased = status.values.erased === undefined ? '' : ` WHEN ${is(status.values.erased)} THEN 'erased'`;
    return `(CASE WHEN ${is(status.values.active!)} THEN 'active'${erased} ELSE 'inactive' END)`;
  }
}

function addressColumns(map: SchemaMap): string[] {
  return Object.values(map.addresses!.columns).flatMap((source) => (source.kind === 'column' ? [source.column] : []));
}

function skipOwnWrites(): string {
  return `IF ${WRITER_SESSION_VARIABLE} IS NOT NULL THEN LEAVE capture; END IF;`;
}

/** `2026-12-03T07:40:01.077Z`: what Date.toISOString gives, from a DATETIME read as UTC. */
function iso(value: string): string {
  return `CONCAT(DATE_FORMAT(${value}, '%Y-%m-%dT%H:%i:%s.'), LEFT(DATE_FORMAT(${value}, '%f'), 3), 'Z')`;
}

function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function block(statements: readonly string[]): string {
  return ['capture: BEGIN', ...indent(statements, 2), 'END'].join('\n');
}

function indent(lines: readonly string[], by: number): string[] {
  const pad = ' '.repeat(by);
  return lines.map((line) => pad + line);
}
