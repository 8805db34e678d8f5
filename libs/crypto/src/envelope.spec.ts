import {
  armor,
  createMessage,
  encrypt,
  enums,
  generateKey,
  readMessage,
  type Message,
} from 'openpgp';
import { decryptAndVerify, signAndEncrypt } from './envelope';
import { DecryptionError } from './errors';
import { readPrivateKey, readPublicKey, type PgpPrivateKey, type PgpPublicKey } from './keys';
import { generatePartnerKey, type GeneratedKeyPair } from './partner-key.generator';
import { asBytes } from './pgp-input';

const delivery = new TextEncoder().encode(
  JSON.stringify({ type: 'zorgmelding', data: { naam: 'Jan Jansen', bsn: '111222333' } }),
);

interface Party {
  readonly pair: GeneratedKeyPair;
  readonly privateKey: PgpPrivateKey;
  readonly publicKey: PgpPublicKey;
}

async function party(name: string): Promise<Party> {
  const pair = await generatePartnerKey({ name, email: `${name.toLowerCase()}@example.test` });
  return {
    pair,
    privateKey: await readPrivateKey(pair.privateKeyArmored),
    publicKey: await readPublicKey(pair.publicKeyArmored),
  };
}

/** The version byte of each SEIPD packet (1: MDC, GnuPG 2.2 reads it; 2: AEAD, it does not). */
async function seipdVersions(encrypted: Uint8Array): Promise<number[]> {
  const message: Message<Uint8Array> = await readMessage({ binaryMessage: encrypted });
  return message.packets
    .filterByTag(enums.packet.symEncryptedIntegrityProtectedData)
    .map((packet) => (packet as unknown as { version: number }).version);
}

let hub: Party;
let otherHub: Party;
let veiligThuis: Party;
let reclassering: Party;
let openbaarMinisterie: Party;

beforeAll(async () => {
  [hub, otherHub, veiligThuis, reclassering, openbaarMinisterie] = (await Promise.all(
    ['Hub', 'OtherHub', 'VeiligThuis', 'Reclassering', 'OpenbaarMinisterie'].map(party),
  )) as [Party, Party, Party, Party, Party];
});

describe(signAndEncrypt.name, () => {
  it('makes one binary OpenPGP message that the recipient decrypts to the same bytes, signed by the hub', async () => {
    const encrypted = await signAndEncrypt(delivery, {
      signingKey: hub.privateKey,
      encryptionKeys: [veiligThuis.publicKey],
    });

    expect(new TextDecoder().decode(encrypted.subarray(0, 10))).not.toContain('-----');
    await expect(
      decryptAndVerify(encrypted, {
        decryptionKey: veiligThuis.privateKey,
        verificationKeys: [hub.publicKey],
      }),
    ).resolves.toEqual({
      plaintext: delivery,
      signatureValid: true,
      signingKeyFingerprint: hub.pair.fingerprint,
    });
  });

  it('encrypts once to exactly the given recipients: each decrypts, a third party cannot', async () => {
    const encrypted = await signAndEncrypt(delivery, {
      signingKey: hub.privateKey,
      encryptionKeys: [veiligThuis.publicKey, reclassering.publicKey],
    });
    const recipientKeyIds = (await readMessage({ binaryMessage: encrypted }))
      .getEncryptionKeyIDs()
      .map((id) => id.toHex());
    const expectedKeyIds = await Promise.all(
      [veiligThuis, reclassering].map(async (p) =>
        (await p.publicKey.openpgpKey.getEncryptionKey()).getKeyID().toHex(),
      ),
    );

    expect(recipientKeyIds).toEqual(expectedKeyIds);
    for (const recipient of [veiligThuis, reclassering]) {
      const { plaintext, signatureValid } = await decryptAndVerify(encrypted, {
        decryptionKey: recipient.privateKey,
        verificationKeys: [hub.publicKey],
      });
      expect(plaintext).toEqual(delivery);
      expect(signatureValid).toBe(true);
    }
    const refused = decryptAndVerify(encrypted, {
      decryptionKey: openbaarMinisterie.privateKey,
      verificationKeys: [hub.publicKey],
    });
    await expect(refused).rejects.toBeInstanceOf(DecryptionError);
    await expect(refused).rejects.toThrow(
      `the message is not encrypted to key ${openbaarMinisterie.pair.fingerprint}`,
    );
  });

  it('writes SEIPDv1 (MDC) packets, not AEAD', async () => {
    const encrypted = await signAndEncrypt(delivery, {
      signingKey: hub.privateKey,
      encryptionKeys: [veiligThuis.publicKey],
    });

    await expect(seipdVersions(encrypted)).resolves.toEqual([1]);
  });

  it('writes SEIPDv1 even when the recipient key advertises SEIPDv2 (openpgp 6 would choose AEAD)', async () => {
    const { publicKey } = await generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'aead@example.test' }],
      config: { aeadProtect: true },
    });
    const aeadRecipient = await readPublicKey(publicKey);
    const plainOpenpgp = asBytes(
      await encrypt({
        message: await createMessage({ binary: delivery }),
        encryptionKeys: aeadRecipient.openpgpKey,
        format: 'binary',
      }),
    );

    const encrypted = await signAndEncrypt(delivery, {
      signingKey: hub.privateKey,
      encryptionKeys: [aeadRecipient],
    });

    await expect(seipdVersions(plainOpenpgp)).resolves.toEqual([2]);
    await expect(seipdVersions(encrypted)).resolves.toEqual([1]);
  });

  it('refuses a recipient key that was read only for verification', async () => {
    const verifyOnly = await readPublicKey(veiligThuis.pair.publicKeyArmored, {
      uses: ['verify'],
    });

    await expect(
      signAndEncrypt(delivery, { signingKey: hub.privateKey, encryptionKeys: [verifyOnly] }),
    ).rejects.toMatchObject({
      name: 'UnusableKeyError',
      reason: "was not read for use 'encrypt'",
      retriable: false,
    });
  });
});

describe(decryptAndVerify.name, () => {
  it('reports signatureValid false (unknown-signer) when checked against another hub key', async () => {
    const encrypted = await signAndEncrypt(delivery, {
      signingKey: hub.privateKey,
      encryptionKeys: [veiligThuis.publicKey],
    });

    await expect(
      decryptAndVerify(encrypted, {
        decryptionKey: veiligThuis.privateKey,
        verificationKeys: [otherHub.publicKey],
      }),
    ).resolves.toEqual({
      plaintext: delivery,
      signatureValid: false,
      signatureFailure: 'unknown-signer',
    });
  });

  it('reports signatureValid false (no-signature) for an unsigned message', async () => {
    const unsigned = asBytes(
      await encrypt({
        message: await createMessage({ binary: delivery }),
        encryptionKeys: veiligThuis.publicKey.openpgpKey,
        format: 'binary',
      }),
    );

    await expect(
      decryptAndVerify(unsigned, {
        decryptionKey: veiligThuis.privateKey,
        verificationKeys: [hub.publicKey],
      }),
    ).resolves.toMatchObject({ signatureValid: false, signatureFailure: 'no-signature' });
  });

  it('accepts the armored form of a message', async () => {
    const encrypted = await signAndEncrypt(delivery, {
      signingKey: hub.privateKey,
      encryptionKeys: [veiligThuis.publicKey],
    });
    const armored = armor(enums.armor.message, encrypted);

    await expect(
      decryptAndVerify(armored, {
        decryptionKey: veiligThuis.privateKey,
        verificationKeys: [hub.publicKey],
      }),
    ).resolves.toMatchObject({ plaintext: delivery, signatureValid: true });
  });

  it('throws DecryptionError for a message whose ciphertext was altered', async () => {
    const encrypted = await signAndEncrypt(delivery, {
      signingKey: hub.privateKey,
      encryptionKeys: [veiligThuis.publicKey],
    });
    const tampered = Uint8Array.from(encrypted);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0x01;

    await expect(
      decryptAndVerify(tampered, {
        decryptionKey: veiligThuis.privateKey,
        verificationKeys: [hub.publicKey],
      }),
    ).rejects.toMatchObject({
      name: DecryptionError.name,
      message: `the message could not be decrypted with key ${veiligThuis.pair.fingerprint}`,
    });
  });

  it('throws DecryptionError for input that is not an OpenPGP message', async () => {
    await expect(
      decryptAndVerify(Uint8Array.from([1, 2, 3]), {
        decryptionKey: veiligThuis.privateKey,
        verificationKeys: [hub.publicKey],
      }),
    ).rejects.toMatchObject({
      name: DecryptionError.name,
      message: 'the input is not an OpenPGP message',
    });
  });

  it('throws DecryptionError for a message that is not encrypted', async () => {
    const plain = (await createMessage({ binary: delivery })).packets.write();

    await expect(
      decryptAndVerify(plain, {
        decryptionKey: veiligThuis.privateKey,
        verificationKeys: [hub.publicKey],
      }),
    ).rejects.toMatchObject({
      name: DecryptionError.name,
      message: 'the message is not encrypted to a public key',
    });
  });
});
