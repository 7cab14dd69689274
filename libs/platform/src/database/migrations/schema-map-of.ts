/**
 * Migrations over a legacy schema: they create only what CustomerFlow owns and never alter or drop a table the
 * schema map names. This reads the map the data source was configured with (see dataSourceOptions).
 */
import type { QueryRunner } from 'typeorm';
import type { SchemaMap } from '../schema-map/schema-map';

/** The key under which the data source's options carry the schema map to the migrations. */
export const SCHEMA_MAP_OPTION = 'customerflowSchemaMap';

export function schemaMapOf(q: QueryRunner): SchemaMap | null {
  return (q.connection.options as unknown as Record<string, SchemaMap | null | undefined>)[SCHEMA_MAP_OPTION] ?? null;
}
