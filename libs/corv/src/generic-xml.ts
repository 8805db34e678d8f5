/**
 * The generic JSON-to-XML mapping of documents that have no mapping table of their own
 * (`schemas/corv/README.md`): deterministic, so the same document always gives the same XML.
 * - an object property becomes an element named after it, in the object's key order;
 * - an array becomes that element with one `item` element per entry (empty: an empty element);
 * - a string, number or boolean becomes the element's text as JSON writes it;
 * - null becomes an empty element with `nil="true"`;
 * - a property whose name is no XML name becomes `<veld naam="…">`.
 */
export function genericElements(object: Readonly<Record<string, unknown>>): object {
  const elements: Record<string, unknown[]> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined) continue;
    const name = XML_NAME.test(key) ? key : 'veld';
    const element = genericValue(value);
    const named =
      name === key
        ? element
        : { '@_naam': key, ...(typeof element === 'object' ? element : { '#text': element }) };
    (elements[name] ??= []).push(named);
  }
  return Object.fromEntries(
    Object.entries(elements).map(([name, values]) => [
      name,
      values.length === 1 ? values[0] : values,
    ]),
  );
}

// NCName without the non-ASCII letters: what Samenloop's camelCase property names use.
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function genericValue(value: unknown): unknown {
  if (value === null) return { '@_nil': 'true' };
  if (Array.isArray(value)) return value.length === 0 ? '' : { item: value.map(genericValue) };
  if (typeof value === 'object') return genericElements(value as Readonly<Record<string, unknown>>);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
