import type { ErrorObject } from 'ajv';

const FORMAT_WORDING: Record<string, string> = {
  date: 'must be a date (YYYY-MM-DD)',
  'date-time': 'must be a date-time with a time zone (RFC 3339, e.g. 2026-11-23T14:05:00+01:00)',
  uuid: 'must be a UUID',
  email: 'must be an e-mail address',
  bsn: 'must be a BSN (9 digits that pass the 11-test)',
};

const TYPE_WORDING: Record<string, string> = {
  object: 'must be an object',
  array: 'must be an array',
  string: 'must be a string',
  boolean: 'must be true or false',
  integer: 'must be a whole number',
  number: 'must be a number',
};

/** Keywords whose failure only summarises errors reported on their own (if/then/else branches). */
const SUMMARY_KEYWORDS = new Set(['if']);

export interface WordedError {
  readonly path: string;
  readonly message: string;
}

/**
 * Turns ajv's errors into messages an IT department can act on. They name the field (a JSON
 * pointer) and the rule, never the value: messages travel to senders, dead letters and logs.
 */
export function wordErrors(errors: readonly ErrorObject[]): WordedError[] {
  const worded: WordedError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (SUMMARY_KEYWORDS.has(error.keyword)) continue;
    const item = wordError(error);
    const key = `${item.path} ${item.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    worded.push(item);
  }
  return worded;
}

function wordError(error: ErrorObject): WordedError {
  const path = error.instancePath || '/';
  const params: Record<string, unknown> = error.params;
  const parentSchema: Record<string, unknown> | undefined = error.parentSchema;
  const hint = parentSchema?.['x-samenloop-error'];
  switch (error.keyword) {
    case 'required':
      return {
        path: childPath(error.instancePath, String(params.missingProperty)),
        message: 'is required',
      };
    case 'additionalProperties':
      return {
        path: childPath(error.instancePath, String(params.additionalProperty)),
        message: 'is not a field of this message (unknown fields are not allowed)',
      };
    case 'format':
      return {
        path,
        message:
          FORMAT_WORDING[String(params.format)] ?? `must be a valid ${String(params.format)}`,
      };
    case 'type':
      return {
        path,
        message: TYPE_WORDING[String(params.type)] ?? `must be of type ${String(params.type)}`,
      };
    case 'enum':
      return {
        path,
        message: `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern':
      return {
        path,
        message:
          typeof hint === 'string' ? hint : `must match the pattern ${String(params.pattern)}`,
      };
    case 'minLength':
      return {
        path,
        message:
          params.limit === 1
            ? 'must not be empty'
            : `must be at least ${String(params.limit)} characters`,
      };
    case 'maxLength':
      return { path, message: `must be at most ${String(params.limit)} characters` };
    case 'minItems':
      return { path, message: `must have at least ${String(params.limit)} item(s)` };
    case 'maxItems':
      return { path, message: `must have at most ${String(params.limit)} items` };
    case 'uniqueItems': {
      // ajv reports the pair in either order depending on the item schema; smallest first reads better.
      const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return {
        path,
        message: `must not repeat an item (items ${first} and ${second} are the same)`,
      };
    }
    case 'minProperties':
      return { path, message: `must contain at least ${String(params.limit)} field(s)` };
    case 'false schema':
      return { path, message: 'must not be present in this form of the message' };
    default:
      return { path, message: error.message ?? `fails the ${error.keyword} rule` };
  }
}

function childPath(parent: string, property: string): string {
  return `${parent}/${property.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
