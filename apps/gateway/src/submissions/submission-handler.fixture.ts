import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CaseLedger } from '@samenloop/case';
import { ContractValidator } from '@samenloop/contracts';
import {
  decryptAndVerify,
  decryptSubmission,
  generatePartnerKey,
  HubSecret,
  Pseudonyms,
  readPrivateKey,
  RecordMac,
  StateSeal,
  readPublicKey,
  type PgpPrivateKey,
  type PgpPublicKey,
  temporaryHubSecret,
} from '@samenloop/crypto';
import { topicNames, type InboundRecord, type OutboundRecord } from '@samenloop/messaging';
import { createLogger } from '@samenloop/observability';
import { PartnerRegistry } from '@samenloop/partners';
import { loadPolicyDirectory, policyContext } from '@samenloop/policy';
import { createMessage, encrypt } from 'openpgp';
import { clockTickRecord } from '../clock/clock-tick';
import { createHubHandlers, type HubHandlers } from '../hub-handlers';
import { WaitingDeliveries } from '../waiting/waiting-deliveries';

/** Shared set-up for the submission handler's specs: the sample region with real OpenPGP keys. */
const ROOT = path.resolve(__dirname, '../../../..');
export const ZORGMELDING = readFileSync(
  path.join(ROOT, 'schemas/zorgmelding/examples/valid/partnergeweld-met-kinderen.json'),
  'utf8',
);
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(ROOT, 'deploy/partners/oost-brabant.yaml'), 'utf8'),
  'partners',
);
export const validator = new ContractValidator();
export const policy = loadPolicyDirectory(
  path.join(ROOT, 'deploy/policies'),
  policyContext(validator, registry),
);

/** A validator that checks `document` documents with `check` instead: to refuse them, or to fail. */
export function validatorOverriding(
  base: ContractValidator,
  document: string,
  check: (built: unknown) => ReturnType<ContractValidator['validateDocument']>,
): ContractValidator {
  const overriding = Object.create(base) as ContractValidator;
  overriding.validateDocument = (name, built) =>
    name === document ? check(built) : base.validateDocument(name, built);
  return overriding;
}

interface KeyPair {
  readonly privateKey: PgpPrivateKey;
  readonly publicKey: PgpPublicKey;
}

async function keyPair(name: string): Promise<KeyPair> {
  const generated = await generatePartnerKey({ name, email: `${name.toLowerCase()}@example.test` });
  return {
    privateKey: await readPrivateKey(generated.privateKeyArmored),
    publicKey: await readPublicKey(generated.publicKeyArmored),
  };
}

export interface SubmissionOptions {
  /** The submission's plaintext; default the zorgmelding example. */
  readonly value?: string | Buffer;
  /** The partner whose key signs; null for no signature. Default POLITIE-OB. */
  readonly signer?: string | null;
  /** Whose key it is encrypted to: `hub` (default) or a partner's id; null sends the plaintext in clear. */
  readonly encryptTo?: string | null;
  /** The record value exactly as given, instead of a message built from the other options. */
  readonly raw?: Buffer;
  readonly topic?: string;
}

export class HandlerFixture {
  private constructor(
    readonly hub: KeyPair,
    readonly hubSecret: HubSecret,
    readonly partnerKeys: ReadonlyMap<string, KeyPair>,
  ) {}

  static async create(): Promise<HandlerFixture> {
    const partnerKeys = new Map<string, KeyPair>();
    for (const partner of registry.partners) partnerKeys.set(partner.id, await keyPair(partner.id));
    return new HandlerFixture(await keyPair('hub'), await temporaryHubSecret(), partnerKeys);
  }

  handlers(
    ledger: CaseLedger,
    options: {
      withoutKeyFor?: string;
      now?: () => Date;
      validator?: ContractValidator;
      waiting?: WaitingDeliveries;
    } = {},
  ): HubHandlers {
    return createHubHandlers({
      registry,
      validator: options.validator ?? validator,
      policy: () => policy,
      ledger,
      alarmSettings: { zsmMarginMinutes: 120, zorgmeldingWaitMinutes: 1440 },
      closedCaseRetentionMs: 30 * 24 * 3_600_000,
      ...(options.now ? { now: options.now } : {}),
      keys: {
        hub: this.hub.privateKey,
        hubPublic: this.hub.publicKey,
        pseudonyms: new Pseudonyms(this.hubSecret),
        stateSeal: new StateSeal(this.hubSecret),
        recordMac: new RecordMac(this.hubSecret),
        partner: (id) => {
          const key =
            id === options.withoutKeyFor ? undefined : this.partnerKeys.get(id)?.publicKey;
          return Promise.resolve(
            key
              ? { usable: true, key }
              : { usable: false, problem: 'sleutel-ontbreekt', explanation: `${id}: no key` },
          );
        },
      },
      waiting: options.waiting ?? new WaitingDeliveries(topicNames().waitingDeliveries),
      hubOin: '00000099000000009001',
      maxMessageBytes: MAX_MESSAGE_BYTES,
      topics: topicNames(),
      logger: createLogger('test', 'fatal'),
    });
  }

  /** A clock tick record as the hub's ticker writes it, with its MAC under the hub secret. */
  tick(now: Date | string): InboundRecord {
    const { topic, key, value, headers } = clockTickRecord(
      new RecordMac(this.hubSecret),
      topicNames().clock,
      new Date(now),
    );
    return {
      topic,
      partition: 0,
      offset: '0',
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      headers: headers ?? {},
      timestamp: '0',
    };
  }

  /** A record on a partner's inbound topic, signed and encrypted as the options say. */
  async submission(options: SubmissionOptions = {}): Promise<InboundRecord> {
    return {
      topic: options.topic ?? 'samenloop.in.politie-ob.v1',
      partition: 0,
      offset: '7',
      key: Buffer.from('PL2100-2026112345'),
      value: options.raw ?? (await this.sealed(options)),
      headers: {},
      timestamp: '0',
    };
  }

  /** What a partner's OpenPGP tool makes of the plaintext: signed inside, encrypted to one key. */
  private async sealed(options: SubmissionOptions): Promise<Buffer> {
    const plaintext = Buffer.from(options.value ?? ZORGMELDING);
    const encryptTo = options.encryptTo === undefined ? 'hub' : options.encryptTo;
    if (encryptTo === null) return plaintext;
    const signer = options.signer === undefined ? 'POLITIE-OB' : options.signer;
    const recipient =
      encryptTo === 'hub' ? this.hub.publicKey : this.partnerKeys.get(encryptTo)!.publicKey;
    const encrypted: unknown = await encrypt({
      message: await createMessage({ binary: plaintext }),
      encryptionKeys: recipient.openpgpKey,
      ...(signer ? { signingKeys: this.partnerKeys.get(signer)!.privateKey.openpgpKey } : {}),
      format: 'binary',
    });
    return Buffer.from(encrypted as Uint8Array);
  }

  /** A submission's plaintext, as the hub opens it (from a parked record, say); throws if it does not open. */
  async plaintextOf(value: string | Buffer): Promise<string> {
    const opened = await decryptSubmission(Buffer.from(value), {
      decryptionKey: this.hub.privateKey,
      verificationKeys: [...this.partnerKeys.values()].map((pair) => pair.publicKey),
      maxPlaintextBytes: MAX_MESSAGE_BYTES,
    });
    if (!opened.ok) throw new Error(`the submission does not open: ${opened.failure}`);
    return new TextDecoder().decode(opened.plaintext);
  }

  /** Decrypts a hub document as the partner would; throws unless the hub signed it. */
  async open(record: OutboundRecord, partnerId: string): Promise<Record<string, unknown>> {
    const decrypted = await decryptAndVerify(new Uint8Array(record.value as Buffer), {
      decryptionKey: this.partnerKeys.get(partnerId)!.privateKey,
      verificationKeys: [this.hub.publicKey],
    });
    if (!decrypted.signatureValid) throw new Error('not signed by the hub');
    return JSON.parse(new TextDecoder().decode(decrypted.plaintext)) as Record<string, unknown>;
  }
}
