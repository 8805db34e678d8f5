import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ContractValidator, type Submission } from '@samenloop/contracts';
import { PartnerRegistry } from '@samenloop/partners';
import { caseMessageOf, replayCase, senderOf } from './case-replay';
import { decideInCase } from './case-decision';
import { loadPolicyDirectory, policyContext } from './policy-loader';

const ROOT = path.resolve(__dirname, '../../..');
const validator = new ContractValidator();
const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(ROOT, 'deploy/partners/oost-brabant.yaml'), 'utf8'),
  'oost-brabant.yaml',
);
const policy = loadPolicyDirectory(
  path.join(ROOT, 'deploy/policies'),
  policyContext(validator, registry),
);

/** A schema example as a submission, its payload changed by `change`. */
function submission(
  example: string,
  change: (payload: Record<string, unknown>) => void = () => undefined,
): Submission {
  const envelope = JSON.parse(readFileSync(path.join(ROOT, 'schemas', example), 'utf8')) as {
    data: { zaakReferenties: Record<string, string>; payload: Record<string, unknown> };
  };
  envelope.data.zaakReferenties = { politieRegistratienummer: 'PL2100-2026113017' };
  change(envelope.data.payload);
  const validation = validator.validateSubmissionJson(JSON.stringify(envelope));
  if (!validation.ok) throw new Error(`${example} changed is not valid`);
  return validation.value;
}

const entryWithoutHousehold = submission(
  'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json',
  (payload) => delete payload.huishouden,
);
const zorgmelding = submission('zorgmelding/examples/valid/partnergeweld-met-kinderen.json');

describe(replayCase.name, () => {
  it('routes an entry without the household to the others, holds its part for VT, and replays a later release of it as the gateway does', () => {
    const replay = replayCase({ policy, registry }, validator, [
      { label: 'entry.json', submission: entryWithoutHousehold },
      { label: 'zorgmelding.json', submission: zorgmelding },
      { label: 'entry.json', submission: entryWithoutHousehold },
    ]);

    expect(replay.problems).toEqual([]);
    expect(replay.steps).toEqual([
      'entry.json: routed at stage zsm to OM, RVDK, 3RO; its part for Veilig Thuis is held (gemeente-ontbreekt) until the operator releases it',
      'zorgmelding.json: routed at stage zsm to VT-ZOB',
      'entry.json: released, its part for Veilig Thuis routed at stage zsm to VT-ZOB',
    ]);
    const [thread] = replay.ledger.matchingCases(
      ['politieRegistratienummer:PL2100-2026113017'],
      [],
    );
    expect(thread?.heldForVt).toEqual({});
    expect(thread?.deliveries['VT-ZOB']).toHaveLength(2);
    expect(thread?.deliveries.OM).toHaveLength(1);
  });

  it('tells which held parts a later message lets the operator release', () => {
    const replay = replayCase({ policy, registry }, validator, [
      { label: 'entry.json', submission: entryWithoutHousehold },
    ]);
    const sender = senderOf(zorgmelding, registry, validator)!;

    const decision = decideInCase(
      { ledger: replay.ledger, policy, registry },
      caseMessageOf(zorgmelding, sender),
    );

    expect(decision).toMatchObject({
      outcome: 'routed',
      vtHeld: undefined,
      releasable: {
        messageIds: [entryWithoutHousehold.envelope.id],
        gemeentecodes: ['GM0772'],
      },
    });
  });

  it('parks all of a message only when no one but a VT would receive it', () => {
    const replay = replayCase({ policy, registry }, validator, [
      {
        label: 'zorgmelding.json',
        submission: submission(
          'zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
          (payload) => {
            (
              (payload.huishouden as Record<string, unknown>).adres as Record<string, unknown>
            ).gemeentecode = 'GM0999';
          },
        ),
      },
    ]);

    expect(replay.steps).toEqual([
      'zorgmelding.json: parked (gemeente-onbekend); it is not in the thread',
    ]);
  });
});
