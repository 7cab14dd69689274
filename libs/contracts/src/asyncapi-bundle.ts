/**
 * The AsyncAPI document as one self-contained JSON: `asyncapi.json` is written with `$ref`s to the schema files (so
 * each schema has one home and file-based tools read it as it is), but a document served over HTTP must not point
 * at files its reader cannot fetch. Bundling copies every schema the document reaches, directly or through another
 * schema, into `components.schemas` (a whole file under its name without `.schema.json`, a definition as
 * `<file>.<definition>`, e.g. `customer.defs.customer`) and rewrites the references to local pointers; `$schema` and
 * `$id` go, since an embedded `$id` would make the references resolve against a URL again.
 */
export interface SchemaFiles {
  /** File name (as the document and the schemas refer to it, without a directory) → schema. */
  readonly [file: string]: object;
}

type Json = unknown;

export function bundleAsyncApi(document: object, schemas: SchemaFiles): object {
  const added: Record<string, Json> = {};
  const existing = (document as { components?: { schemas?: Record<string, Json> } }).components?.schemas ?? {};

  /** A reference in the document (`file` null) or in schema `file`, as a pointer into components.schemas. */
  const local = (ref: string, file: string | null): string => {
    const [filePart, pointer = ''] = ref.split('#');
    if (filePart === '' && file === null) return ref;
    const target = filePart === '' ? file! : filePart.replace(/^(\.\/)?(src\/schemas\/)?/, '');
    const schema = schemas[target] as { $defs?: Record<string, Json> } | undefined;
    if (!schema) throw new Error(`bundling the AsyncAPI document: no schema file for ${ref}`);
    const stem = target.replace(/\.schema\.json$/, '');
    const definition = /^\/\$defs\/([^/]+)$/.exec(pointer);
    if (pointer !== '' && !definition) throw new Error(`bundling the AsyncAPI document: cannot inline ${ref}`);
    const name = definition ? `${stem}.${definition[1]}` : stem;
    if (name in existing) throw new Error(`bundling the AsyncAPI document: components.schemas.${name} exists`);
    if (!(name in added)) {
      const content = definition ? schema.$defs?.[definition[1]] : schema;
      if (content === undefined) throw new Error(`bundling the AsyncAPI document: ${ref} points at nothing`);
      added[name] = null; // claimed first, so a schema that refers to itself does not recurse for ever
      added[name] = localise(content, target);
    }
    return `#/components/schemas/${name}`;
  };

  const localise = (node: Json, file: string | null): Json => {
    if (Array.isArray(node)) return node.map((item) => localise(item, file));
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node)
      .filter(([key]) => file === null || (key !== '$schema' && key !== '$id'))
      .map(([key, value]) => [
        key,
        key === '$ref' && typeof value === 'string' ? local(value, file) : localise(value, file),
      ]);
    // A schema file's own definitions are reached through components.schemas, not kept inside it.
    return Object.fromEntries(file === null ? entries : entries.filter(([key]) => key !== '$defs'));
  };

  const bundled = localise(document, null) as { components: { schemas?: Record<string, Json> } };
  bundled.components.schemas = { ...(bundled.components.schemas ?? {}), ...added };
  return bundled;
}
