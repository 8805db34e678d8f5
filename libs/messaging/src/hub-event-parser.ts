import { PoisonRecordError } from './errors';
import type { HubEvent } from './hub-events';

/** A check of one field; shapes are strict, so nothing unlisted reaches the audit. */
type Check = (value: unknown) => boolean;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text: Check = (value) => typeof value === 'string' && value.length > 0 && value.length <= 500;
const time: Check = (value) => text(value) && !Number.isNaN(Date.parse(value as string));
const count: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const nullable =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value);
const oneOf =
  (...allowed: readonly string[]): Check =>
  (value) =>
    allowed.includes(value as string);
const list =
  (check: Check): Check =>
  (value) =>
    Array.isArray(value) && value.length <= 1_000 && value.every(check);
const object =
  (shape: Readonly<Record<string, Check>>): Check =>
  (value) =>
    isRecord(value) &&
    Object.keys(value).every((key) => Object.hasOwn(shape, key)) &&
    Object.entries(shape).every(([key, check]) => check(value[key]));

const policyFiles = list(object({ name: text, sha256: text }));

const SHAPES: Readonly<Record<HubEvent['kind'], Check>> = {
  'access-query': object({
    kind: text,
    eventId: text,
    subject: object({ by: oneOf('bsn', 'person'), pseudonym: text }),
    purpose: text,
    askedBy: text,
    askedAt: time,
    deliveriesFound: count,
  }),
  'policy-went-live': object({
    kind: text,
    eventId: text,
    trigger: oneOf('start-up', 'reload'),
    policyVersion: text,
    previousVersion: nullable(text),
    files: policyFiles,
    testsPassed: count,
    changedBy: nullable(object({ uid: count, user: nullable(text), file: text })),
    instance: text,
    activatedAt: time,
  }),
  'policy-refused': object({
    kind: text,
    eventId: text,
    refusedVersion: optional(text),
    keptVersion: text,
    files: policyFiles,
    problems: list(object({ code: text, file: optional(text) })),
    refusedAt: time,
  }),
};

/**
 * A record of the hub-events topic as a checked event. Anything else (not JSON, an unknown kind,
 * a missing, extra or mistyped field) is a `PoisonRecordError` for the dead letters: the message
 * names kinds and the rule broken, never a value.
 */
export function parseHubEvent(value: Buffer | null): HubEvent {
  let event: unknown;
  try {
    event = JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    throw new PoisonRecordError('a hub event must be a JSON object', 'hub-event');
  }
  const kind = isRecord(event) ? event.kind : undefined;
  if (typeof kind !== 'string' || !Object.hasOwn(SHAPES, kind))
    throw new PoisonRecordError(
      `a hub event's kind must be one of ${Object.keys(SHAPES).join(', ')}`,
      'hub-event',
    );
  if (!SHAPES[kind as HubEvent['kind']](event))
    throw new PoisonRecordError(
      `a ${kind} hub event lacks a field, has one it should not, or one of the wrong type`,
      'hub-event',
    );
  return event as HubEvent;
}
