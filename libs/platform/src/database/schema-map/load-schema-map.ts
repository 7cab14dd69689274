/** Reads `SCHEMA_MAP_FILE`: JSON, parsed and checked by parseSchemaMap, every failure naming the file and the entry. */
import { readFileSync } from 'node:fs';
import { parseSchemaMap, type SchemaMap, SchemaMapError } from './schema-map';

export function loadSchemaMap(file: string): SchemaMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SchemaMapError('(the file)', `cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SchemaMapError('(the file)', `is not valid JSON: ${(error as Error).message}`);
  }
  return parseSchemaMap(json);
}
