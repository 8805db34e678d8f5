import {
  generatePartnerKey,
  readPrivateKey,
  readPublicKey,
  signAndEncrypt,
  type PgpPrivateKey,
  type PgpPublicKey,
} from '@samenloop/crypto';
import { topicNames, type InboundRecord } from '@samenloop/messaging';
import { createLogger } from '@samenloop/observability';
import type { PartnerKeys } from '@samenloop/partner-side';
import type { ConnectorSettings } from '../config/connector-settings';
import { HubDocumentRefusedError } from './hub-document-refused.error';
import { InboxIntake } from './inbox-intake';
import type { KafkaInbox } from './kafka-inbox';

const topics = topicNames('spec');
const settings = { partnerId: 'VT-ZOB', topics } as ConnectorSettings;

describe(InboxIntake.name, () => {
  let keys: PartnerKeys;
  let hubKey: PgpPrivateKey;
  let strangerKey: PgpPrivateKey;
  let partnerPublic: PgpPublicKey;
  let inInbox: Set<string>;
  let intake: InboxIntake;

  beforeAll(async () => {
    const hub = await generatePartnerKey({ name: 'hub', email: 'hub@samenloop.test' });
    const partner = await generatePartnerKey({ name: 'VT-ZOB', email: 'vt-zob@samenloop.test' });
    const stranger = await generatePartnerKey({ name: 'other', email: 'other@samenloop.test' });
    hubKey = await readPrivateKey(hub.privateKeyArmored);
    strangerKey = await readPrivateKey(stranger.privateKeyArmored);
    partnerPublic = await readPublicKey(partner.publicKeyArmored);
    keys = {
      partnerId: 'VT-ZOB',
      privateKey: await readPrivateKey(partner.privateKeyArmored),
      privateArmored: partner.privateKeyArmored,
      hubKey: await readPublicKey(hub.publicKeyArmored),
    };
  });

  beforeEach(() => {
    inInbox = new Set();
    intake = new InboxIntake(settings, keys, createLogger('spec', 'fatal'), {
      has: (id: string) => inInbox.has(id),
    } as KafkaInbox);
  });

  /** A delivery-topic record as the hub writes it: signed by the hub, encrypted to the partner. */
  const hubRecord = async (document: object, signingKey = hubKey): Promise<InboundRecord> => ({
    topic: topics.delivery('VT-ZOB'),
    partition: 0,
    offset: '0',
    key: Buffer.from('key'),
    value: Buffer.from(
      await signAndEncrypt(Buffer.from(JSON.stringify(document)), {
        signingKey,
        encryptionKeys: [partnerPublic],
      }),
    ),
    headers: { ce_type: 'nl.samenloop.receipt' },
    timestamp: '0',
  });

  it('writes a hub document to the inbox as it came, sealed, keyed by its id', async () => {
    const record = await hubRecord({ receiptId: 'receipt-1', messageId: 'message-1' });

    const [written, ...more] = await intake.receive(record);

    expect(more).toEqual([]);
    expect(written).toMatchObject({
      topic: topics.connector('VT-ZOB').inbox,
      key: 'receipt-1',
      value: record.value,
    });
  });

  it('skips a copy in the same chunk, one committed before, and one already in the inbox', async () => {
    const record = await hubRecord({ receiptId: 'receipt-1', messageId: 'message-1' });
    inInbox.add('receipt-2');

    expect(await intake.receive(record)).toHaveLength(1);
    expect(await intake.receive(record)).toEqual([]);
    intake.committed();
    expect(await intake.receive(record)).toEqual([]);
    expect(await intake.receive(await hubRecord({ receiptId: 'receipt-2' }))).toEqual([]);
  });

  it('forgets what an aborted chunk wrote: its records are handled again', async () => {
    const record = await hubRecord({ receiptId: 'receipt-1', messageId: 'message-1' });

    await intake.receive(record);
    intake.aborted();

    expect(await intake.receive(record)).toHaveLength(1);
  });

  it('refuses, with its reason, what the hub did not sign or that does not open', async () => {
    const garbage = {
      ...(await hubRecord({ receiptId: 'receipt-1' })),
      value: Buffer.from('garbage'),
    };

    await expect(intake.receive(garbage)).rejects.toThrow(
      new HubDocumentRefusedError('undecryptable'),
    );
    await expect(intake.receive(garbage)).rejects.toMatchObject({
      step: 'open-hub-document',
      retriable: false,
    });
    await expect(
      intake.receive(await hubRecord({ receiptId: 'receipt-1' }, strangerKey)),
    ).rejects.toThrow(new HubDocumentRefusedError('hub-signature-invalid'));
  });
});
