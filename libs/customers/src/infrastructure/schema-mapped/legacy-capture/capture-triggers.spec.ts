import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSchemaMap, type SchemaMap } from '@customerflow/platform';
import { CaptureNotSupported, capturePlan } from './capture-triggers';

const fixture = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(join(__dirname, '../../../../../../test/fixtures/legacy', name), 'utf8'));
const clientes: SchemaMap = parseSchemaMap(fixture('clientes.map.json'));

describe('capturePlan', () => {
  it('builds AFTER INSERT/UPDATE/DELETE triggers on the customer and address tables, named with one hash', () => {
    const plan = capturePlan(clientes, 'mariadb');
    expect(plan.hash).toMatch(/^[0-9a-f]{10}$/);
    expect(plan.triggers.map((t) => `${t.name} ${t.event} ${t.table}`)).toEqual([
      `customerflow_capture_${plan.hash}_c_ins INSERT clientes`,
      `customerflow_capture_${plan.hash}_c_upd UPDATE clientes`,
      `customerflow_capture_${plan.hash}_c_del DELETE clientes`,
      `customerflow_capture_${plan.hash}_a_ins INSERT enderecos`,
      `customerflow_capture_${plan.hash}_a_upd UPDATE enderecos`,
      `customerflow_capture_${plan.hash}_a_del DELETE enderecos`,
    ]);
    for (const trigger of plan.triggers) {
      expect(trigger.sql).toMatch(/^CREATE TRIGGER `customerflow_capture_[0-9a-f]{10}_[ca]_(ins|upd|del)` AFTER /);
      // CustomerFlow's own sessions are skipped first thing: no change is announced twice.
      expect(trigger.sql).toContain('IF @customerflow_writer IS NOT NULL THEN LEAVE capture; END IF;');
      expect(trigger.name.length).toBeLessThanOrEqual(64);
    }
  });

  it('gives another hash for another map, and the same for the same map', () => {
    const changed = fixture('clientes.map.json');
    changed.customers.columns.phone = null;
    expect(capturePlan(parseSchemaMap(changed), 'mariadb').hash).not.toBe(capturePlan(clientes, 'mariadb').hash);
    expect(capturePlan(parseSchemaMap(fixture('clientes.map.json')), 'mariadb').hash).toBe(
      capturePlan(clientes, 'mariadb').hash,
    );
  });

  it('announces an update field by field, comparing bytes, and only announces status changes through the map', () => {
    const update = capturePlan(clientes, 'mariadb').triggers[1].sql;
    expect(update).toContain('IF NOT (BINARY (TRIM(OLD.`nome`)) <=> BINARY (TRIM(NEW.`nome`))) THEN');
    expect(update).toContain("SET v_changes = JSON_SET(v_changes, '$.name', TRIM(NEW.`nome`));");
    expect(update).toContain('IF JSON_LENGTH(v_changes) > 0 THEN');
    expect(update).toContain("(CASE WHEN NEW.`ativo` <=> 1 THEN 'active' ELSE 'inactive' END)");
    expect(update).toContain("'customerflow.customer.deactivated.v1'");
  });

  it('builds the address list with an ordered JSON_ARRAYAGG on MariaDB and an ordered derived table on MySQL', () => {
    const onMariaDb = capturePlan(clientes, 'mariadb').triggers[0].sql;
    const onMySql = capturePlan(clientes, 'mysql').triggers[0].sql;
    expect(onMariaDb).toContain('ORDER BY x.`id_endereco`), COUNT(*)');
    expect(onMySql).toContain('SELECT JSON_ARRAYAGG(o.address), COUNT(*), SUM(o.bad) FROM (SELECT');
  });

  it('erases as CustomerFlow erases: a legacy DELETE scrubs the earlier events and forgets stored responses', () => {
    const deleted = capturePlan(clientes, 'mariadb').triggers[2].sql;
    const forget = deleted.indexOf('UPDATE outbox_messages');
    expect(forget).toBeGreaterThan(0);
    expect(forget).toBeLessThan(deleted.indexOf("'customerflow.customer.erased.v1'"));
    // Settled rows at once, owed rows through scrubbed_payload (the relay swaps it in), placeholders as the API's.
    expect(deleted).toContain(
      'SET scrubbed_payload = CASE WHEN published_at IS NULL AND dead_lettered_at IS NULL THEN JSON_REPLACE(payload, ' +
        "'$.data.name', '(erased)', '$.data.changes.name', '(erased)', '$.data.email', 'erased@erased.invalid', " +
        "'$.data.changes.email', 'erased@erased.invalid', '$.data.phone', NULL, '$.data.changes.phone', NULL, " +
        "'$.data.document', NULL, '$.data.changes.document', NULL, '$.data.birthDate', NULL, " +
        "'$.data.changes.birthDate', NULL, '$.data.addresses', JSON_ARRAY(), '$.data.changes.addresses', JSON_ARRAY()) END,",
    );
    expect(deleted).toContain(
      "UPDATE idempotency_keys SET response_status = 410, response_headers = '{}', response_body = 'null', request_hash = 'erased'",
    );
  });

  it('builds no address triggers when addresses live in customer_addresses', () => {
    const map = fixture('clientes.map.json');
    map.addresses = null;
    expect(capturePlan(parseSchemaMap(map), 'mariadb').triggers.map((t) => t.table)).toEqual([
      'clientes',
      'clientes',
      'clientes',
    ]);
  });

  it('over a legacy version column: the update trigger runs BEFORE the write and sets the column to the last version', () => {
    const plan = capturePlan(parseSchemaMap(fixture('pessoas.map.json')), 'mariadb');
    expect(plan.triggers.map((t) => `${t.timing} ${t.event} ${t.table}`)).toEqual([
      'AFTER INSERT pessoas',
      'BEFORE UPDATE pessoas',
      'AFTER DELETE pessoas',
    ]);
    const [inserted, updated, deleted] = plan.triggers.map((t) => t.sql);
    expect(updated).toMatch(/^CREATE TRIGGER `customerflow_capture_[0-9a-f]{10}_c_upd` BEFORE UPDATE ON `pessoas`/);
    // The legacy code's own bump is the first event's version, not one more; a forgotten bump is made.
    expect(updated).toContain('SET v_version = GREATEST(COALESCE(OLD.`versao`, 0), COALESCE(NEW.`versao`, 0) - 1);');
    expect(updated).toContain('SET v_version = v_version + 1;');
    expect(updated.trimEnd()).toMatch(
      /IF v_version > COALESCE\(NEW\.`versao`, 0\) THEN SET NEW\.`versao` = v_version; END IF;\nEND$/,
    );
    expect(updated).not.toContain('version = version + 1');
    expect(inserted).toContain('SET v_version = COALESCE(NEW.`versao`, 1);');
    expect(deleted).toContain('SET v_version = COALESCE(OLD.`versao`, 0);');
  });

  it('refuses a legacy version column with a legacy address table, saying what to map instead', () => {
    const map = fixture('clientes.map.json');
    map.customers.columns.version = 'versao';
    expect(() => capturePlan(parseSchemaMap(map), 'mariadb')).toThrow(CaptureNotSupported);
    expect(() => capturePlan(parseSchemaMap(map), 'mariadb')).toThrow(
      /customers\.columns\.version maps the legacy version column versao and addresses a legacy table/,
    );
  });

  it('keeps the triggers of a map without a version column as they were (the hash the README shows installed)', () => {
    expect(capturePlan(clientes, 'mariadb').hash).toBe('f3728e040d');
  });
});
