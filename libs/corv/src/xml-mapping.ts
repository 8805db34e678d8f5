/**
 * A declarative mapping between a JSON object and XML elements, read in both directions by the
 * same table: the XML side in fast-xml-parser's object form (element name → text, object or, for
 * repeated elements, an array). Element order follows the table, which is the XSD's sequence.
 */
export type Shape =
  | { readonly xml: string; readonly value: 'text' | 'boolean' }
  | { readonly xml: string; readonly fields: readonly Field[] };

/** A JSON property and its element; a `list` is a wrapper element around one element per item. */
export type Field = { readonly json: string } & (
  Shape | { readonly xml: string; readonly list: Shape }
);

type Json = Readonly<Record<string, unknown>>;
type XmlObject = Record<string, unknown>;

/** The elements of a JSON object; properties absent from the object stay absent from the XML. */
export function toXmlElements(fields: readonly Field[], json: Json): XmlObject {
  const elements: XmlObject = {};
  for (const field of fields) {
    const value = json[field.json];
    if (value === undefined) continue;
    elements[field.xml] =
      'list' in field
        ? listElement(field.list, value as readonly unknown[])
        : toXmlValue(field, value);
  }
  return elements;
}

/** The JSON object of parsed elements; elements absent from the XML stay absent from the JSON. */
export function fromXmlElements(fields: readonly Field[], elements: XmlObject): Json {
  const json: Record<string, unknown> = {};
  for (const field of fields) {
    const value = elements[field.xml];
    if (value === undefined) continue;
    json[field.json] =
      'list' in field
        ? listItems(value).map((item) => fromXmlValue(field.list, item))
        : fromXmlValue(field, value);
  }
  return json;
}

function listElement(item: Shape, values: readonly unknown[]): unknown {
  // An empty list is an empty wrapper element, so `[]` survives the round trip.
  return values.length === 0 ? '' : { [item.xml]: values.map((value) => toXmlValue(item, value)) };
}

function listItems(wrapper: unknown): readonly unknown[] {
  if (typeof wrapper !== 'object' || wrapper === null) return [];
  const items: unknown = Object.values(wrapper)[0];
  return Array.isArray(items) ? items : items === undefined ? [] : [items];
}

function toXmlValue(shape: Shape, value: unknown): unknown {
  if ('fields' in shape) return toXmlElements(shape.fields, value as Json);
  return shape.value === 'boolean' ? String(value === true) : value;
}

function fromXmlValue(shape: Shape, value: unknown): unknown {
  if ('fields' in shape) {
    return fromXmlElements(
      shape.fields,
      typeof value === 'object' && value !== null ? (value as XmlObject) : {},
    );
  }
  // xs:boolean also takes 1 and 0.
  return shape.value === 'boolean' ? value === 'true' || value === '1' : value;
}
