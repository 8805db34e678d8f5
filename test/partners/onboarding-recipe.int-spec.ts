import { randomUUID } from 'node:crypto';
import { access, copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CLOUDEVENTS_HEADERS,
  CONTENT_TYPE_HEADER,
  PGP_ENCRYPTED,
  hubDocumentCloudEventType,
} from '@samenloop/contracts';
import { keyFiles, readPrivateKey, readPublicKey, signAndEncrypt } from '@samenloop/crypto';
import { newGatewayScenario } from '../support/gateway-scenario';
import { requireGnupg } from '@samenloop/crypto/testing';
import { produce, testKafka } from '../support/kafka-test-kit';
import { requireKcat } from '../support/kcat';
import { ROOT, policeNumber, registry } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';
import { secureClientEnvironment } from '../support/secure-broker';
import { aclApply } from '../secure/secure-clients';
import { GuideMachine, guideBlocks, requireJq } from './partner-recipe';

const ZORGMELDING = 'schemas/zorgmelding/examples/valid/partnergeweld-met-kinderen.json';

interface Delivery {
  readonly deliveryId: string;
  readonly messageId: string;
  readonly sender: string;
  readonly recipient: string;
  readonly niveau: string;
  readonly payload?: Record<string, unknown>;
}

interface Rejection {
  readonly messageId?: string;
  readonly errors: readonly { code: string }[];
}

interface Receipt {
  readonly messageId: string;
  readonly deliveredTo: readonly { recipient: string; deliveryId: string }[];
}

/**
 * docs/partners.md, kept honest: its `recipe:` blocks run exactly as printed, on two partner
 * machines that have only the shell, gpg, kcat and jq, against the secure broker (SASL_SSL,
 * SCRAM-SHA-512, ACLs from the registry) with each partner's own credentials; its `operator:`
 * blocks at the operator's desk with the hub's `samenloop` command. The tests run in order on one
 * hub: each partner reads its delivery topic one record at a time.
 */
describe('docs/partners.md followed as a recipe on the secure broker', () => {
  const kafka = testKafka('test-admin', secureClientEnvironment('admin'));
  const running = runningHub('afterAll');
  let operator: GuideMachine;
  let politie: GuideMachine;
  let veiligThuis: GuideMachine;

  /** A partner's machine with the connection settings of the guide's table, and its key made. */
  const machineOf = async (partnerId: string) => {
    const partner = registry.partners.find((candidate) => candidate.id === partnerId)!;
    const machine = await GuideMachine.partner(await guideBlocks(), {
      PARTNER_ID: partner.id,
      PARTNER_OIN: partner.oin,
      // Its broker, security protocol, SCRAM user (its id), password file and CA certificate.
      ...secureClientEnvironment(partnerId),
      SAMENLOOP_TOPIC_NAMESPACE: running.scenario.settings.SAMENLOOP_TOPIC_NAMESPACE!,
    });
    await machine.runOk('connect');
    await machine.runOk('make-key');
    return machine;
  };

  /**
   * Sections 2 and 3 between the operator and the partners: each partner's public key file goes to
   * the operator, who registers it; the hub's key file comes back, its fingerprint over a second
   * channel (here: the operator's screen, read out).
   */
  const onboard = async (partners: readonly [GuideMachine, string][]) => {
    for (const [machine, partnerId] of partners) {
      await copyFile(
        machine.file(`${partnerId}.public.asc`),
        operator.file(`${partnerId}.public.asc`),
      );
      const registered = await operator.runOk('register', { PARTNER_ID: partnerId });
      // Printed grouped, as gpg --fingerprint shows it.
      expect(registered.replace(/ /g, '')).toContain(await fingerprintOf(machine));
    }
    const shown = await operator.runOk('hub-key');
    const hubFingerprint = /^\s*compact\s+([0-9A-F]{40})$/m.exec(shown)![1]!;
    for (const [machine] of partners) {
      await copyFile(
        operator.file('samenloop-hub.public.asc'),
        machine.file('samenloop-hub.public.asc'),
      );
      machine.set({ HUB_FINGERPRINT: hubFingerprint });
    }
  };

  const fingerprintOf = async (machine: GuideMachine) =>
    /^PARTNER_FINGERPRINT=(\w+)$/m.exec(await readFile(machine.file('samenloop.env'), 'utf8'))![1]!;

  const receivedBy = async <T>(machine: GuideMachine) =>
    JSON.parse(await readFile(machine.file('received.json'), 'utf8')) as T;

  const sentBy = async (machine: GuideMachine) =>
    (await readFile(machine.file('sent-messages'), 'utf8')).split('\n').filter(Boolean);

  beforeAll(async () => {
    requireGnupg();
    requireKcat();
    requireJq();
    running.scenario = await newGatewayScenario(kafka, secureClientEnvironment('samenloop-hub'));
    const startHub = async () => {
      // The operator grants this environment's ACLs (its own topic namespace) as the super user.
      const acls = await aclApply(running.scenario.settings);
      if (acls.code !== 0) throw new Error(`samenloop acl apply failed:\n${acls.stderr}`);
      running.gateway = await running.scenario.startGateway();
    };
    const onboardPartners = async () => {
      operator = await GuideMachine.operator(await guideBlocks(), {
        SAMENLOOP_KEYS_DIR: running.scenario.settings.SAMENLOOP_KEYS_DIR!,
        SAMENLOOP_PARTNER_KEYS_FILE: running.scenario.settings.SAMENLOOP_PARTNER_KEYS_FILE!,
        SAMENLOOP_PARTNERS_FILE: path.join(ROOT, 'deploy/partners/oost-brabant.yaml'),
      });
      [politie, veiligThuis] = await Promise.all([machineOf('POLITIE-OB'), machineOf('VT-ZOB')]);
      await onboard([
        [politie, 'POLITIE-OB'],
        [veiligThuis, 'VT-ZOB'],
      ]);
    };
    // Side by side, but both finished before anything fails: a gateway still starting would
    // outlive the cleanup.
    for (const outcome of await Promise.allSettled([startHub(), onboardPartners()]))
      if (outcome.status === 'rejected')
        throw outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
    const example = JSON.parse(await readFile(path.join(ROOT, ZORGMELDING), 'utf8')) as {
      data: { payload: object };
    };
    // What POLITIE-OB's case system produced: the payload of one of the schema's examples.
    await writeFile(politie.file('zorgmelding.json'), JSON.stringify(example.data.payload));
  });

  afterAll(async () => {
    for (const machine of [operator, politie, veiligThuis]) await machine?.dispose();
  });

  it('refuses a hub key file that is not the key whose fingerprint the operator read out', async () => {
    const refused = await politie.run('trust-hub-key', { HUB_FINGERPRINT: 'A'.repeat(40) });

    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('do not use it');
    await politie.runOk('trust-hub-key');
    await veiligThuis.runOk('trust-hub-key');
  });

  it('discards a record on the delivery topic that is not signed by the hub', async () => {
    const forger = await readPrivateKey(
      await readFile(
        keyFiles.partnerPrivate(running.scenario.partners.keysDirectory, 'POLITIE-OB'),
        'utf8',
      ),
    );
    const forged = await signAndEncrypt(
      Buffer.from(JSON.stringify({ deliveryId: randomUUID(), recipient: 'VT-ZOB' })),
      {
        signingKey: forger,
        encryptionKeys: [
          await readPublicKey(await readFile(veiligThuis.file('VT-ZOB.public.asc'), 'utf8')),
        ],
      },
    );
    await produce(kafka, running.scenario.topics.delivery('VT-ZOB'), [
      {
        key: `case-${randomUUID()}`,
        value: Buffer.from(forged),
        headers: {
          [CLOUDEVENTS_HEADERS.type]: hubDocumentCloudEventType('delivery'),
          [CONTENT_TYPE_HEADER]: PGP_ENCRYPTED,
        },
      },
    ]);

    const discarded = await veiligThuis.run('receive');

    expect(discarded.exitCode).not.toBe(0);
    expect(discarded.stderr).toContain('not signed by the hub key: discarded');
    await expect(access(veiligThuis.file('received.json'))).rejects.toThrow();
  });

  it('matches a rejection without a message id to the submission by where Kafka wrote it', async () => {
    // Handed VT-ZOB's key as if it were the hub's, POLITIE-OB seals what the hub cannot open.
    const wrongKey = await fingerprintOf(veiligThuis);
    await copyFile(veiligThuis.file('VT-ZOB.public.asc'), politie.file('samenloop-hub.public.asc'));
    await politie.runOk('trust-hub-key', { HUB_FINGERPRINT: wrongKey });
    await politie.runOk('submit', { CASE_REFERENCE: policeNumber(), HUB_FINGERPRINT: wrongKey });

    const shown = await politie.runOk('receive');
    const rejection = await receivedBy<Rejection>(politie);
    const [misdirected] = await sentBy(politie);

    expect(shown).toContain('rejection of an unreadable message');
    expect(rejection.messageId).toBeUndefined();
    expect(rejection.errors.map((error) => error.code)).toEqual(['not-for-hub']);
    expect(misdirected).toMatch(/^\S+ \S+ \d+ \d+$/);
    expect((await politie.runOk('match-answer')).trim()).toBe(misdirected);
  });

  it('delivers a zorgmelding from POLITIE-OB to VT-ZOB, signed by the hub, and answers POLITIE-OB with a receipt naming that delivery', async () => {
    await politie.runOk('submit', { CASE_REFERENCE: policeNumber() });
    const messageId = (await sentBy(politie)).at(-1)!.split(' ')[0]!;

    const shownToVeiligThuis = await veiligThuis.runOk('receive');
    const delivery = await receivedBy<Delivery>(veiligThuis);

    expect(shownToVeiligThuis).toContain(`delivery ${delivery.deliveryId}`);
    expect(delivery).toMatchObject({
      messageId,
      sender: 'POLITIE-OB',
      recipient: 'VT-ZOB',
      niveau: 'inhoud',
    });
    expect(delivery.payload).toHaveProperty('incident');

    const shownToPolitie = await politie.runOk('receive');
    const receipt = await receivedBy<Receipt>(politie);

    expect(shownToPolitie).toContain(`receipt for message ${messageId}`);
    expect(receipt.messageId).toBe(messageId);
    expect(receipt.deliveredTo).toContainEqual(
      expect.objectContaining({ recipient: 'VT-ZOB', deliveryId: delivery.deliveryId }),
    );
    expect(await politie.runOk('match-answer')).toMatch(new RegExp(`^${messageId} `));
  });
});
