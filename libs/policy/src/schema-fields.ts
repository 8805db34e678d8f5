import { pathOf, type FieldPath } from './field-path';

type JsonSchema = {
  $id?: string;
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  'x-samenloop-never-share'?: boolean;
} & Record<string, unknown>;

/** What a message type's schema says about its fields, for checking and applying policy. */
export interface SchemaFields {
  /** Every field path the schema defines (array items as `*`), the root excluded. */
  readonly paths: ReadonlySet<FieldPath>;
  /** Paths marked `x-samenloop-never-share`: they never leave the sender. */
  readonly neverShare: readonly FieldPath[];
}

/**
 * Walks a payload schema, following `$ref`s into the other documents (resolved against `$id`).
 * `documents` are all schema documents of the catalogue.
 */
export function schemaFields(schema: object, documents: readonly object[]): SchemaFields {
  const byId = new Map<string, JsonSchema>();
  for (const document of documents) {
    const id = (document as JsonSchema).$id;
    if (id) byId.set(id, document as JsonSchema);
  }
  const paths = new Set<FieldPath>();
  const neverShare: FieldPath[] = [];
  const root = schema as JsonSchema;

  const visit = (node: JsonSchema, base: JsonSchema, at: string[], depth: number): void => {
    // Recursive schemas do not occur in the contracts; the bound only guards against a cycle.
    if (depth > 30)
      throw new Error(`schema ${String(root.$id)} nests deeper than 30 levels at ${pathOf(at)}`);
    const [resolved, resolvedBase] = node.$ref ? resolveRef(node.$ref, base, byId) : [node, base];
    if (at.length > 0) {
      paths.add(pathOf(at));
      if (
        node['x-samenloop-never-share'] === true ||
        resolved['x-samenloop-never-share'] === true
      ) {
        neverShare.push(pathOf(at));
      }
    }
    for (const [name, child] of Object.entries(resolved.properties ?? {}))
      visit(child, resolvedBase, [...at, name], depth + 1);
    if (resolved.items) visit(resolved.items, resolvedBase, [...at, '*'], depth + 1);
  };
  visit(root, root, [], 0);
  return { paths, neverShare };
}

function resolveRef(
  ref: string,
  base: JsonSchema,
  byId: Map<string, JsonSchema>,
): [JsonSchema, JsonSchema] {
  const [location = '', fragment = ''] = ref.split('#');
  const document = location === '' ? base : byId.get(new URL(location, base.$id).href);
  if (!document) throw new Error(`cannot resolve $ref ${ref} from ${String(base.$id)}`);
  let target: unknown = document;
  for (const segment of fragment.split('/').filter(Boolean)) {
    target = (target as Record<string, unknown>)[segment];
  }
  if (typeof target !== 'object' || target === null)
    throw new Error(`$ref ${ref} points at nothing`);
  return [target as JsonSchema, document];
}
