import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA_CATALOGUE, type ContractValidator } from '@samenloop/contracts';
import type { PartnerRegistry } from '@samenloop/partners';
import { Policy, type PolicyContext, type PolicySource } from './policy';
import { schemaFields, type SchemaFields } from './schema-fields';

/** The fields of every submittable message type, read from its schema (major version 1). */
export function messageFieldsOf(validator: ContractValidator): Map<string, SchemaFields> {
  const documents = SCHEMA_CATALOGUE.map((entry) => entry.document);
  const fields = new Map<string, SchemaFields>();
  for (const messageType of validator.messageTypes) {
    const schema = validator.schemaDocument(messageType, 1);
    if (schema) fields.set(messageType, schemaFields(schema, documents));
  }
  return fields;
}

/** The kinds of case reference the envelope (major version 1) lets a submission carry. */
function referenceKindsOf(): Set<string> {
  const envelope = SCHEMA_CATALOGUE.find((entry) => entry.name === 'envelope' && entry.major === 1);
  const data = (envelope?.document as EnvelopeDocument | undefined)?.properties?.data;
  return new Set(Object.keys(data?.properties?.zaakReferenties?.properties ?? {}));
}

interface EnvelopeDocument {
  readonly properties?: {
    readonly data?: {
      readonly properties?: { readonly zaakReferenties?: { readonly properties?: object } };
    };
  };
}

export function policyContext(
  validator: ContractValidator,
  registry: PartnerRegistry,
): PolicyContext {
  return {
    messageFields: messageFieldsOf(validator),
    partnerIds: new Set(registry.partners.map((partner) => partner.id)),
    referenceKinds: referenceKindsOf(),
  };
}

/** The policy files of a directory: every `*.yaml` directly in it (tests live in a subfolder). */
export function readPolicySources(directory: string): PolicySource[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => ({
      source: entry.name,
      text: readFileSync(path.join(directory, entry.name), 'utf8'),
    }))
    .sort((a, b) => a.source.localeCompare(b.source));
}

export function loadPolicyDirectory(directory: string, context: PolicyContext): Policy {
  return Policy.load(readPolicySources(directory), context);
}
