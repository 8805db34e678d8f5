import {
  generatePartnerKey,
  readPrivateKey,
  readPublicKey,
  signAndEncrypt,
  signDetached,
  verifyDetached,
} from '@samenloop/crypto';

export interface CryptoFloor {
  readonly messages: number;
  readonly recipientsPerMessage: number;
  readonly msgPerSecond: number;
  readonly msPerMessage: number;
}

/**
 * The OpenPGP work the hub cannot avoid per message, timed alone on one thread: verify the sender's
 * signature, then sign and encrypt once per distinct recipient projection plus the sender's receipt.
 */
export async function measureCryptoFloor(options: {
  readonly payload: Buffer;
  readonly recipients: number;
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
    Array.from({ length: options.recipients + 1 }, (_, index) => keyPair(`recipient-${index}`)),
  );
  const signature = await signDetached(options.payload, sender.privateKey);
  const once = async () => {
    const check = await verifyDetached(options.payload, signature, [sender.publicKey]);
    if (!check.valid) throw new Error('the benchmark signature does not verify');
    for (const recipient of recipients) {
      await signAndEncrypt(options.payload, {
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
    recipientsPerMessage: options.recipients,
    msgPerSecond: Math.round((messages / elapsedMs) * 1000),
    msPerMessage: Number((elapsedMs / messages).toFixed(3)),
  };
}
