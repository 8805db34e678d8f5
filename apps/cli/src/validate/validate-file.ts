import { readFile } from 'node:fs/promises';
import { ContractValidator, formatContractError, type Validation } from '@samenloop/contracts';
import { validateCorvFile } from '@samenloop/corv';

export interface CommandOutcome {
  readonly exitCode: 0 | 1;
  readonly lines: readonly string[];
}

/** The hub's own documents, which are validated bare rather than as a CloudEvents submission. */
export const DOCUMENT_SCHEMAS = ['delivery', 'receipt', 'rejection'] as const;
export type DocumentSchema = (typeof DOCUMENT_SCHEMAS)[number];

/**
 * `samenloop validate <file>`: checks a submission (envelope and payload), a CORV zorgmelding
 * (`*.xml`: XML, XSD, then the submission the connector would make of it) or, with a document
 * schema, a delivery, receipt or rejection; prints OK or every error.
 */
export async function validateFile(
  validator: ContractValidator,
  file: string,
  documentSchema?: DocumentSchema,
): Promise<CommandOutcome> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read';
    return { exitCode: 1, lines: [`${file}: ${reason}`] };
  }
  if (!documentSchema && file.toLowerCase().endsWith('.xml')) {
    const problems = await validateCorvFile(text, validator);
    return problems.length === 0
      ? { exitCode: 0, lines: ['OK'] }
      : { exitCode: 1, lines: problems };
  }
  const result: Validation<unknown> = documentSchema
    ? validateDocumentText(validator, documentSchema, text)
    : validator.validateSubmissionJson(text);
  return result.ok
    ? { exitCode: 0, lines: ['OK'] }
    : { exitCode: 1, lines: result.errors.map(formatContractError) };
}

function validateDocumentText(
  validator: ContractValidator,
  schema: DocumentSchema,
  text: string,
): Validation<unknown> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return {
      ok: false,
      errors: [{ code: 'invalid-document', schema, path: '/', message: 'is not valid JSON' }],
    };
  }
  return validator.validateDocument(schema, document);
}
