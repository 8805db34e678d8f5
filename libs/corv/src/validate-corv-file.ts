import { randomBytes } from 'node:crypto';
import { formatContractError, submissionEvent, type ContractValidator } from '@samenloop/contracts';
import { readCorvZorgmelding } from './corv-zorgmelding';

/**
 * Everything wrong with a CORV zorgmelding file, as `samenloop validate` prints it: XML and XSD
 * problems first; once those are gone, the JSON contract of the submission the connector would
 * make of it. No lines: the connector would submit it.
 */
export async function validateCorvFile(
  xml: string | Buffer,
  validator: ContractValidator,
): Promise<readonly string[]> {
  const reading = await readCorvZorgmelding(xml);
  if (!reading.ok) return reading.problems;
  // As the connector builds it: its own id, time and trace; the OIN from the Kop.
  const event = submissionEvent(reading.submission, {
    id: reading.berichtId,
    source: `urn:nld:oin:${reading.afzenderOin}`,
    time: new Date().toISOString(),
    traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
  });
  const validation = validator.validateSubmissionJson(JSON.stringify(event));
  return validation.ok ? [] : validation.errors.map(formatContractError);
}
