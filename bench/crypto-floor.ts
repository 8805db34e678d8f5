import {
  decryptSubmission,
  generatePartnerKey,
  readPrivateKey,
  readPublicKey,
  signAndEncrypt,
  signAndEncryptWithOpenpgp,
} from '@samenloop/crypto';
import type { RecipientDecision } from '@samenloop/policy';

/** Per message: CPU over all threads (openpgp.js also works on libuv's) and wall time. */
export interface CryptoCost {
  readonly cpuMsPerMessage: number;
  readonly wallMsPerMessage: number;
}

export interface WriterFigures {
  /** The `@samenloop/crypto` export timed. */
  readonly writer: string;
  readonly messages: number;
  /** Signing and encrypting the message's documents alone. */
  readonly writing: CryptoCost;
  /** Opening the submission (openpgp.js, for both writers) and writing the documents. */
  readonly floor: CryptoCost;
}

export interface CryptoFloor {
  /** Signed and encrypted per message: the recipients' projections and the sender's receipt. */
  readonly documentsPerMessage: number;
  /** Alternating blocks per writer, so that the machine's noise hits both. */
  readonly blocksPerWriter: number;
  /** `signAndEncrypt`, the writer the hub uses. */
  readonly native: WriterFigures;
  /** `signAndEncryptWithOpenpgp`, the reference. */
  readonly openpgp: WriterFigures;
  /** The floor with the hub's writer: messages per second of wall time on one thread. */
  readonly msgPerSecond: number;
  readonly msPerMessage: number;
}

type Writer = typeof signAndEncrypt;

/** Time and CPU spent so far, in milliseconds; both read together so that they cover one span. */
interface Clock {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * The OpenPGP work the hub cannot avoid per message, timed alone on one thread: decrypt the
 * sender's submission and verify its signature, then sign and encrypt each document the hub sends
 * (one per distinct recipient projection, and the sender's receipt). Both writers run the same
 * work in alternating blocks of the same run.
 */
export async function measureCryptoFloor(options: {
  /** The submission's plaintext, as the sender signs and encrypts it to the hub. */
  readonly submission: Buffer;
  /** What the hub signs and encrypts: one document per distinct recipient projection. */
  readonly projections: readonly Buffer[];
  /** Per writer, spread over its blocks. */
  readonly seconds: number;
  readonly blocksPerWriter: number;
}): Promise<CryptoFloor> {
  const keyPair = async (name: string) => {
    const generated = await generatePartnerKey({ name, email: `${name}@example.test` });
    return {
      privateKey: await readPrivateKey(generated.privateKeyArmored),
      publicKey: await readPublicKey(generated.publicKeyArmored),
    };
  };
  const sender = await keyPair('sender');
  const hub = await keyPair('hub');
  const recipients = await Promise.all(
    options.projections.map(async (projection, index) => ({
      projection,
      ...(await keyPair(`recipient-${index}`)),
    })),
  );
  const sealed = await signAndEncryptWithOpenpgp(options.submission, {
    signingKey: sender.privateKey,
    encryptionKeys: [hub.publicKey],
  });

  const writers = {
    native: new Totals(signAndEncrypt),
    openpgp: new Totals(signAndEncryptWithOpenpgp),
  };
  const once = async (totals: Totals) => {
    const started = now();
    const opened = await decryptSubmission(sealed, {
      decryptionKey: hub.privateKey,
      verificationKeys: [sender.publicKey],
      maxPlaintextBytes: options.submission.length,
    });
    if (!opened.ok) throw new Error(`the benchmark submission does not open: ${opened.failure}`);
    const opening = now();
    for (const recipient of recipients) {
      await totals.writer(recipient.projection, {
        signingKey: hub.privateKey,
        encryptionKeys: [recipient.publicKey],
      });
    }
    totals.add(started, opening, now());
  };
  const block = async (totals: Totals, seconds: number) => {
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) await once(totals);
  };

  for (const totals of Object.values(writers)) {
    for (let warmUp = 0; warmUp < 20; warmUp++) await once(new Totals(totals.writer));
  }
  const blockSeconds = options.seconds / options.blocksPerWriter;
  for (let index = 0; index < options.blocksPerWriter; index++) {
    // ABBA order: neither writer always runs first after the other.
    const order =
      index % 2 === 0 ? [writers.native, writers.openpgp] : [writers.openpgp, writers.native];
    for (const totals of order) await block(totals, blockSeconds);
  }

  const native = writers.native.figures('signAndEncrypt');
  return {
    documentsPerMessage: options.projections.length,
    blocksPerWriter: options.blocksPerWriter,
    native,
    openpgp: writers.openpgp.figures('signAndEncryptWithOpenpgp'),
    msgPerSecond: Math.round(1000 / native.floor.wallMsPerMessage),
    msPerMessage: native.floor.wallMsPerMessage,
  };
}

/** One writer's messages and the time and CPU their opening and writing took. */
class Totals {
  private messages = 0;
  private readonly opening = { wallMs: 0, cpuMs: 0 };
  private readonly writing = { wallMs: 0, cpuMs: 0 };

  constructor(readonly writer: Writer) {}

  add(started: Clock, opened: Clock, written: Clock): void {
    this.messages++;
    this.opening.wallMs += opened.wallMs - started.wallMs;
    this.opening.cpuMs += opened.cpuMs - started.cpuMs;
    this.writing.wallMs += written.wallMs - opened.wallMs;
    this.writing.cpuMs += written.cpuMs - opened.cpuMs;
  }

  figures(writer: string): WriterFigures {
    const perMessage = (ms: number) => Number((ms / this.messages).toFixed(3));
    return {
      writer,
      messages: this.messages,
      writing: {
        cpuMsPerMessage: perMessage(this.writing.cpuMs),
        wallMsPerMessage: perMessage(this.writing.wallMs),
      },
      floor: {
        cpuMsPerMessage: perMessage(this.opening.cpuMs + this.writing.cpuMs),
        wallMsPerMessage: perMessage(this.opening.wallMs + this.writing.wallMs),
      },
    };
  }
}

function now(): Clock {
  const { user, system } = process.cpuUsage();
  return { wallMs: performance.now(), cpuMs: (user + system) / 1000 };
}

/**
 * What the hub signs and encrypts for one message: each recipient's projection and the sender's
 * receipt (which accounts for every decision), at their real sizes.
 */
export function hubDocuments(decisions: readonly RecipientDecision[]): Buffer[] {
  const shared = decisions.filter((decision) => decision.level !== 'geen');
  const document = (value: object) => Buffer.from(JSON.stringify(value));
  return [
    ...shared.map((decision) =>
      document({
        recipient: decision.recipient.id,
        ruleIds: decision.rules.map((rule) => rule.id),
        payload: decision.payload,
      }),
    ),
    document({
      deliveredTo: shared.map((decision) => ({
        recipient: decision.recipient.id,
        withheldFields: decision.withheldFields.map((field) => field.path),
      })),
      withheldFrom: decisions
        .filter((decision) => decision.level === 'geen')
        .map((decision) => ({ recipient: decision.recipient.id, reason: decision.reason })),
    }),
  ];
}
