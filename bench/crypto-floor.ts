import {
  decryptSubmission,
  generatePartnerKey,
  readPrivateKey,
  readPublicKey,
  signAndEncrypt,
} from '@samenloop/crypto';
import type { RecipientDecision } from '@samenloop/policy';

export interface CryptoFloor {
  readonly messages: number;
  /** Signed and encrypted per message: the recipients' projections and the sender's receipt. */
  readonly documentsPerMessage: number;
  readonly msgPerSecond: number;
  readonly msPerMessage: number;
}

/**
 * The OpenPGP work the hub cannot avoid per message, timed alone on one thread: decrypt the
 * sender's submission and verify its signature, then sign and encrypt each document the hub sends (one per distinct recipient
 * projection, and the sender's receipt).
 */
export async function measureCryptoFloor(options: {
  /** The submission's plaintext, as the sender signs and encrypts it to the hub. */
  readonly submission: Buffer;
  /** What the hub signs and encrypts: one document per distinct recipient projection. */
  readonly projections: readonly Buffer[];
  readonly seconds: number;
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
  const sealed = await signAndEncrypt(options.submission, {
    signingKey: sender.privateKey,
    encryptionKeys: [hub.publicKey],
  });
  const once = async () => {
    const opened = await decryptSubmission(sealed, {
      decryptionKey: hub.privateKey,
      verificationKeys: [sender.publicKey],
      maxPlaintextBytes: options.submission.length,
    });
    if (!opened.ok) throw new Error(`the benchmark submission does not open: ${opened.failure}`);
    for (const recipient of recipients) {
      await signAndEncrypt(recipient.projection, {
        signingKey: hub.privateKey,
        encryptionKeys: [recipient.publicKey],
      });
    }
  };
  for (let warmUp = 0; warmUp < 20; warmUp++) await once();
  const started = process.hrtime.bigint();
  const until = started + BigInt(options.seconds * 1e9);
  let messages = 0;
  while (process.hrtime.bigint() < until) {
    await once();
    messages++;
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    messages,
    documentsPerMessage: options.projections.length,
    msgPerSecond: Math.round((messages / elapsedMs) * 1000),
    msPerMessage: Number((elapsedMs / messages).toFixed(3)),
  };
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
