import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { validateFile } from './validate-file';

const SCHEMAS = path.resolve(__dirname, '../../../../schemas');
const validator = new ContractValidator();
const scratch = mkdtempSync(path.join(tmpdir(), 'samenloop-validate-'));

function scratchFile(name: string, content: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content);
  return file;
}

describe(validateFile.name, () => {
  it('prints OK and exits 0 for a valid submission', async () => {
    const file = path.join(SCHEMAS, 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json');

    await expect(validateFile(validator, file)).resolves.toEqual({ exitCode: 0, lines: ['OK'] });
  });

  it('prints every error with its schema, path and rule, and exits 1', async () => {
    const submission = JSON.parse(
      readFileSync(
        path.join(SCHEMAS, 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json'),
        'utf8',
      ),
    ) as { data: { payload: { incident: { datum: string }; kinderenAanwezig?: boolean } } };
    submission.data.payload.incident.datum = '2026-02-30';
    delete submission.data.payload.kinderenAanwezig;

    const outcome = await validateFile(
      validator,
      scratchFile('two-errors.json', JSON.stringify(submission)),
    );

    expect(outcome.exitCode).toBe(1);
    expect([...outcome.lines].sort()).toEqual([
      'zorgmelding /incident/datum: must be a date (YYYY-MM-DD)',
      'zorgmelding /kinderenAanwezig: is required',
    ]);
  });

  it('explains a file that is not JSON', async () => {
    await expect(
      validateFile(validator, scratchFile('broken.json', '{"specversion": ')),
    ).resolves.toEqual({
      exitCode: 1,
      lines: ['envelope /: is not valid JSON'],
    });
  });

  it('explains a missing file', async () => {
    const missing = path.join(scratch, 'missing.json');

    await expect(validateFile(validator, missing)).resolves.toEqual({
      exitCode: 1,
      lines: [`${missing}: no such file`],
    });
  });

  it('validates a hub document when its schema is named', async () => {
    const file = scratchFile('rejection.json', JSON.stringify({ rejectionId: 'not-a-uuid' }));

    const outcome = await validateFile(validator, file, 'rejection');

    expect(outcome.exitCode).toBe(1);
    expect(outcome.lines).toContain('rejection /rejectionId: must be a UUID');
  });

  it('validates a CORV zorgmelding file by its .xml name', async () => {
    const file = path.join(SCHEMAS, 'corv/examples/valid/partnergeweld-met-kinderen.xml');

    await expect(validateFile(validator, file)).resolves.toEqual({ exitCode: 0, lines: ['OK'] });
  });

  it('prints what is wrong with a CORV file, by line and element path, and exits 1', async () => {
    const file = path.join(SCHEMAS, 'corv/examples/invalid/postcode-in-kleine-letters.xml');

    await expect(validateFile(validator, file)).resolves.toEqual({
      exitCode: 1,
      lines: [
        'corv-zorgmelding line 29 /Bericht/Inhoud/Zorgmelding/Incident/Plaats/Postcode: does not match the pattern [1-9][0-9]{3} ?[A-Z]{2}',
      ],
    });
  });

  it('prints the contract errors of a CORV file that its XSD lets through', async () => {
    const file = path.join(SCHEMAS, 'corv/examples/invalid/incident-datum-30-februari.xml');

    await expect(validateFile(validator, file)).resolves.toEqual({
      exitCode: 1,
      lines: ['zorgmelding /incident/datum: must be a date (YYYY-MM-DD)'],
    });
  });
});
