import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { isBsn } from './bsn';
import type { ContractError, ContractErrorCode } from './contract-error';
import type { Envelope } from './generated/contract-types';
import type { MessagePayloads } from './generated/message-payloads';
import { SCHEMA_CATALOGUE } from './generated/schema-catalogue';
import { wordErrors } from './error-wording';
import type { SchemaDocument } from './schema-document';

export type MessageType = keyof MessagePayloads;

/** A submission that passed the envelope schema and its payload schema: a checked fact. */
export type Submission = {
  [T in MessageType]: {
    readonly envelope: Envelope;
    readonly messageType: T;
    /** The schema folder name, e.g. `zorgmelding`. */
    readonly schemaName: string;
    readonly version: { readonly major: number; readonly minor: number };
    readonly payload: MessagePayloads[T];
  };
}[MessageType];

export type Validation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly ContractError[] };

/** Annotations Samenloop adds to JSON Schema; declared so ajv's strict mode accepts them. */
const ANNOTATIONS = [
  { keyword: 'x-samenloop-version', schemaType: 'string' },
  { keyword: 'x-samenloop-message-type', schemaType: 'string' },
  { keyword: 'x-samenloop-error', schemaType: 'string' },
  { keyword: 'x-samenloop-never-share', schemaType: 'boolean' },
  { keyword: 'x-samenloop-senders', schemaType: 'array' },
] as const;

/**
 * The hub itself: in `x-samenloop-senders` it marks a message type only the hub sends, and it is the
 * sender id of the hub's own alerts.
 */
export const HUB_SENDER = 'SAMENLOOP';

const DATASCHEMA =
  /^https:\/\/schemas\.samenloop\.nl\/(?<name>[a-z][a-z-]*)\/v(?<major>[0-9]+)\.(?<minor>[0-9]+)$/;

interface CompiledSchema {
  readonly entry: SchemaDocument;
  readonly minor: number;
  readonly validate: ValidateFunction;
}

/**
 * Validates messages against the schemas in schemas/, compiled once. Several major versions of one
 * message type can be registered side by side; within a major, a document of an older or equal
 * minor version is accepted (minor versions only add optional fields; see schemas/README.md).
 */
export class ContractValidator {
  private readonly bySchema = new Map<string, Map<number, CompiledSchema>>();
  private readonly schemaByMessageType = new Map<string, string>();
  private readonly sendersByMessageType = new Map<string, readonly string[]>();

  constructor(catalogue: readonly SchemaDocument[] = SCHEMA_CATALOGUE) {
    const ajv = new Ajv2020({ strict: true, allErrors: true, verbose: true });
    addFormats(ajv);
    ajv.addFormat('bsn', { type: 'string', validate: isBsn });
    for (const annotation of ANNOTATIONS) ajv.addKeyword({ ...annotation });
    for (const entry of catalogue) ajv.addSchema(entry.document);
    for (const entry of catalogue) {
      if (entry.name === 'common') continue;
      const id = (entry.document as { $id: string }).$id;
      const validate = ajv.getSchema(id);
      if (!validate) throw new Error(`schema ${id} did not compile`);
      const versions = this.bySchema.get(entry.name) ?? new Map<number, CompiledSchema>();
      versions.set(entry.major, { entry, minor: Number(entry.version.split('.')[1]), validate });
      this.bySchema.set(entry.name, versions);
      if (entry.messageType) {
        this.schemaByMessageType.set(entry.messageType, entry.name);
        this.sendersByMessageType.set(entry.messageType, entry.senders);
      }
    }
  }

  /** The message types a partner may submit, e.g. `nl.samenloop.zorgmelding`. */
  get messageTypes(): string[] {
    return [...this.schemaByMessageType.keys()].sort();
  }

  /** The message types some partner may submit: all but the hub's own alerts. */
  get submittableTypes(): string[] {
    return this.messageTypes.filter((type) =>
      this.sendersOf(type).some((sender) => sender !== HUB_SENDER),
    );
  }

  /**
   * The partner kinds that may send a message type (`x-samenloop-senders`); `SAMENLOOP` marks the
   * hub's own alerts, which no partner may submit.
   */
  sendersOf(messageType: string): readonly string[] {
    return this.sendersByMessageType.get(messageType) ?? [];
  }

  /** The schema document of a message type's major version, for readers of its annotations. */
  schemaDocument(messageType: string, major: number): object | undefined {
    const name = this.schemaByMessageType.get(messageType);
    return name === undefined ? undefined : this.bySchema.get(name)?.get(major)?.entry.document;
  }

  /** Parses and validates a submission given as JSON text. */
  validateSubmissionJson(text: string): Validation<Submission> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return failure('not-json', 'envelope', '/', 'is not valid JSON');
    }
    return this.validateSubmission(parsed);
  }

  /** The envelope first; then the payload against the schema its type and dataschema name. */
  validateSubmission(input: unknown): Validation<Submission> {
    const envelope = this.bySchema.get('envelope')?.get(1);
    if (!envelope) throw new Error('the envelope schema is not in the catalogue');
    if (!envelope.validate(input)) {
      return {
        ok: false,
        errors: this.errorsOf(envelope.validate, 'invalid-envelope', 'envelope'),
      };
    }
    const event = input as Envelope;
    const schemaName = this.schemaByMessageType.get(event.type);
    if (schemaName === undefined) {
      return failure(
        'unknown-type',
        'envelope',
        '/type',
        `is not a known message type; known types: ${this.submittableTypes.join(', ')}`,
      );
    }
    const version = DATASCHEMA.exec(event.dataschema)?.groups;
    if (!version || version.name !== schemaName) {
      return failure(
        'invalid-envelope',
        'envelope',
        '/dataschema',
        `must name the schema of type ${event.type}: https://schemas.samenloop.nl/${schemaName}/v<major>.<minor>`,
      );
    }
    const major = Number(version.major);
    const minor = Number(version.minor);
    const compiled = this.bySchema.get(schemaName)?.get(major);
    if (!compiled || minor > compiled.minor) {
      const supported = [...(this.bySchema.get(schemaName)?.values() ?? [])].map(
        (schema) => `v${schema.entry.version}`,
      );
      return failure(
        'unsupported-version',
        'envelope',
        '/dataschema',
        `${schemaName} v${major}.${minor} is not supported; supported: ${supported.join(', ')} (and older minor versions of each)`,
      );
    }
    const payload = event.data.payload;
    if (!compiled.validate(payload)) {
      return { ok: false, errors: this.errorsOf(compiled.validate, 'invalid-payload', schemaName) };
    }
    return {
      ok: true,
      value: {
        envelope: event,
        messageType: event.type as MessageType,
        schemaName,
        version: { major, minor },
        payload: payload as never,
      },
    };
  }

  /** Validates one of the hub's own documents (delivery, receipt, rejection) or a bare payload. */
  validateDocument(schemaName: string, document: unknown, major = 1): Validation<unknown> {
    const compiled = this.bySchema.get(schemaName)?.get(major);
    if (!compiled) throw new Error(`no schema ${schemaName} v${major} in the catalogue`);
    return compiled.validate(document)
      ? { ok: true, value: document }
      : { ok: false, errors: this.errorsOf(compiled.validate, 'invalid-document', schemaName) };
  }

  private errorsOf(
    validate: ValidateFunction,
    code: ContractErrorCode,
    schema: string,
  ): ContractError[] {
    return wordErrors(validate.errors ?? []).map(({ path, message }) => ({
      code,
      schema,
      path,
      message,
    }));
  }
}

function failure(
  code: ContractErrorCode,
  schema: string,
  path: string,
  message: string,
): Validation<never> {
  return { ok: false, errors: [{ code, schema, path, message }] };
}
