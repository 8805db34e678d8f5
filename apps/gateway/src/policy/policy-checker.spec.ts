import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { PartnerRegistry } from '@samenloop/partners';
import { loadPolicyDirectory, policyContext } from '@samenloop/policy';
import { copyPolicyFolder, SCHEMAS } from '../../../../test/support/policy-folder';
import { WorkerPolicyChecker } from './policy-checker';

// The policy worker thread compiles its TypeScript (ts-node) when it starts: seconds on a busy
// 2-core machine, more than jest's 5 s default, though nothing here is a performance claim.
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../../..');
const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(ROOT, 'deploy/partners/oost-brabant.yaml'), 'utf8'),
  'partners',
);

/**
 * Notification-only rules for the operator about parked messages, which it receives in full under
 * sig.geparkeerd.beheer anyway: no decision changes, so the region's tests still pass.
 */
function manyRules(count: number): string {
  const rules = Array.from(
    { length: count },
    (_, index) => `  - id: veel.${index}
    recipient: { kind: BEHEER }
    messageType: nl.samenloop.routering-geparkeerd
    stages: [melding]
    notificationOnly: true
    purpose: Regel ${index}
    legalBasis: { label: Test, reference: Test }`,
  );
  return `policy: { name: veel }\nrules:\n${rules.join('\n')}\n`;
}

describe(WorkerPolicyChecker.name, () => {
  const checker = new WorkerPolicyChecker(registry.partners);
  afterAll(() => checker.close());

  it('hands over every rule of a large policy, in file order, a slice at a time', async () => {
    const folder = copyPolicyFolder();
    writeFileSync(path.join(folder.directory, 'veel.yaml'), manyRules(900));

    const { check, changedBy } = await checker.check({
      policyDirectory: folder.directory,
      testsDirectory: folder.testsDirectory,
      schemasDirectory: SCHEMAS,
    });

    const loaded = loadPolicyDirectory(
      folder.directory,
      policyContext(new ContractValidator(), registry),
    );
    expect(check.ok).toBe(true);
    expect(check.ok && check.rules).toEqual(loaded.rules);
    expect(check.version).toBe(loaded.version);
    expect(changedBy).toEqual(expect.objectContaining({ uid: process.getuid?.() }));
  });
});
