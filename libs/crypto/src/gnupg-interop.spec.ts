import { readFile, writeFile } from 'node:fs/promises';
import { signAndEncrypt } from './envelope';
import { readPrivateKey, readPublicKey, type PgpPrivateKey, type PgpPublicKey } from './keys';
import { generatePartnerKey, type GeneratedKeyPair } from './partner-key.generator';
import { decryptSubmission } from './submission-decryption';
// Shared with the end-to-end GnuPG test of the gateway.
import { GnupgHome, requireGnupg, type GpgResult } from '../testing';

/* Partners run GnuPG 2.2, not openpgp.js: these tests drive the real gpg binary. */

function statusLine(result: GpgResult, keyword: string): string[] | undefined {
  return result.status.find((line) => line.split(' ')[0] === keyword)?.split(' ');
}

const submission = new TextEncoder().encode(
  `${JSON.stringify({ type: 'zorgmelding', data: { naam: 'Jan Jansen', bsn: '111222333' } }, null, 2)}\n`,
);

describe('GnuPG 2.2 interoperability', () => {
  let home: GnupgHome;
  const homesToDispose: GnupgHome[] = [];
  let partner: GeneratedKeyPair;
  let partnerPublic: PgpPublicKey;
  let hub: GeneratedKeyPair;
  let hubPrivate: PgpPrivateKey;

  beforeAll(async () => {
    requireGnupg();
    [partner, hub] = await Promise.all([
      generatePartnerKey({ name: 'Veilig Thuis Test', email: 'vt@example.test' }),
      generatePartnerKey({ name: 'Samenloop Hub Test', email: 'hub@example.test' }),
    ]);
    partnerPublic = await readPublicKey(partner.publicKeyArmored);
    hubPrivate = await readPrivateKey(hub.privateKeyArmored);
  });

  beforeEach(async () => {
    home = await GnupgHome.create();
    homesToDispose.push(home);
  });

  afterEach(async () => {
    await Promise.all(homesToDispose.splice(0).map((each) => each.dispose()));
  });

  /** What a partner runs: `gpg --sign --encrypt -r <hub>`, with the options given. */
  async function gpgSealed(signer: string, options: readonly string[] = []): Promise<Uint8Array> {
    await home.importKey(hub.publicKeyArmored);
    const { stdout } = await home.runOk(
      ['--local-user', signer, '--recipient', hub.fingerprint, ...options, '--sign', '--encrypt'],
      submission,
    );
    return new Uint8Array(stdout);
  }

  const openAsHub = (input: Uint8Array, verificationKeys: readonly PgpPublicKey[]) =>
    decryptSubmission(input, {
      decryptionKey: hubPrivate,
      verificationKeys,
      maxPlaintextBytes: 64 * 1024,
    });

  describe(decryptSubmission.name, () => {
    it.each([
      ['as gpg chooses (the hub key prefers no compression)', []],
      ['armored', ['--armor']],
      ['ZLIB-compressed', ['--compress-algo', 'zlib']],
      ['ZIP-compressed and armored', ['--compress-algo', 'zip', '--armor']],
    ])('opens a partner’s `gpg --sign --encrypt -r <hub>` message, %s', async (_form, options) => {
      await home.importKey(partner.privateKeyArmored);

      const sealed = await gpgSealed(partner.fingerprint, options);

      await expect(openAsHub(sealed, [partnerPublic])).resolves.toEqual({
        ok: true,
        plaintext: submission,
        signingKeyFingerprint: partner.fingerprint,
      });
    });

    it('opens a message signed by a key GnuPG generated itself (ed25519 + cv25519), read from its armored export', async () => {
      const gpgKey = await home.generateKey('Partner <p@example.test>');
      const partnerKey = await readPublicKey(gpgKey.publicKeyArmored);

      const sealed = await gpgSealed(gpgKey.fingerprint, ['--compress-algo', 'zlib']);

      expect(partnerKey.openpgpKey.keyPacket.version).toBe(4);
      expect(partnerKey.openpgpKey.getAlgorithmInfo().algorithm).toBe('eddsaLegacy');
      await expect(openAsHub(sealed, [partnerKey])).resolves.toEqual({
        ok: true,
        plaintext: submission,
        signingKeyFingerprint: gpgKey.fingerprint,
      });
    });

    it('reports unknown-signer for a gpg message signed by another key than the registered one', async () => {
      const gpgKey = await home.generateKey('Someone Else <s@example.test>');

      const sealed = await gpgSealed(gpgKey.fingerprint);

      // gpg signs with the primary key: its key id is the fingerprint's last 16 hex digits.
      await expect(openAsHub(sealed, [partnerPublic])).resolves.toEqual({
        ok: false,
        failure: 'unknown-signer',
        signerKeyIds: [gpgKey.fingerprint.slice(-16)],
      });
    });

    it('reports a gpg message encrypted only, not signed, as no-signature', async () => {
      await home.importKey(hub.publicKeyArmored);
      const { stdout } = await home.runOk(
        ['--recipient', hub.fingerprint, '--encrypt'],
        submission,
      );

      await expect(openAsHub(new Uint8Array(stdout), [partnerPublic])).resolves.toEqual({
        ok: false,
        failure: 'no-signature',
        signerKeyIds: [],
      });
    });

    it('reports a gpg message that is only signed, not encrypted, as not-encrypted', async () => {
      await home.importKey(partner.privateKeyArmored);
      const { stdout } = await home.runOk(
        ['--local-user', partner.fingerprint, '--sign'],
        submission,
      );

      await expect(openAsHub(new Uint8Array(stdout), [partnerPublic])).resolves.toEqual({
        ok: false,
        failure: 'not-encrypted',
      });
    });
  });

  describe(readPublicKey.name, () => {
    it('rejects a GnuPG key whose primary key may only certify as a signer', async () => {
      const certifyOnly = await home.generateKey('Encrypt Only <e@example.test>', {
        signing: false,
      });

      await expect(
        readPublicKey(certifyOnly.publicKeyArmored, { uses: ['verify'] }),
      ).rejects.toMatchObject({
        name: 'UnusableKeyError',
        fingerprint: certifyOnly.fingerprint,
        reason: 'has no valid signing key',
      });
      await expect(
        readPublicKey(certifyOnly.publicKeyArmored, { uses: ['encrypt'] }),
      ).resolves.toMatchObject({ fingerprint: certifyOnly.fingerprint });
    });
  });

  describe(signAndEncrypt.name, () => {
    it('makes a delivery that gpg decrypts (SEIPDv1 with MDC) and whose hub signature gpg reports good', async () => {
      await home.importKey(partner.privateKeyArmored);
      await home.importKey(hub.publicKeyArmored);
      const delivery = await signAndEncrypt(submission, {
        signingKey: hubPrivate,
        encryptionKeys: [partnerPublic],
      });
      await writeFile(home.path('delivery.pgp'), delivery);

      const result = await home.run([
        '--output',
        home.path('delivery.json'),
        '--decrypt',
        home.path('delivery.pgp'),
      ]);

      expect({ exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({ exitCode: 0 });
      expect(statusLine(result, 'DECRYPTION_OKAY')).toBeDefined();
      expect(statusLine(result, 'GOODSIG')?.[1]).toBe(hub.fingerprint.slice(-16));
      expect(statusLine(result, 'VALIDSIG')?.at(-1)).toBe(hub.fingerprint);
      // DECRYPTION_INFO <mdc_method> <sym_algo> [<aead_algo>]: 2 = SHA-1 MDC, 9 = AES-256, no AEAD.
      const [, mdcMethod, symmetricAlgorithm, aeadAlgorithm = '0'] =
        statusLine(result, 'DECRYPTION_INFO') ?? [];
      expect({ mdcMethod, symmetricAlgorithm, aeadAlgorithm }).toEqual({
        mdcMethod: '2',
        symmetricAlgorithm: '9',
        aeadAlgorithm: '0',
      });
      expect(new Uint8Array(await readFile(home.path('delivery.json')))).toEqual(submission);
    });

    it('encrypts to exactly the given recipients, one of them a GnuPG-generated key, which gpg decrypts', async () => {
      const gpgKey = await home.generateKey('Reclassering <r@example.test>');
      const gpgRecipient = await readPublicKey(gpgKey.publicKeyArmored);
      await home.importKey(hub.publicKeyArmored);
      const delivery = await signAndEncrypt(submission, {
        signingKey: hubPrivate,
        encryptionKeys: [partnerPublic, gpgRecipient],
      });

      const result = await home.run(['--decrypt'], delivery);

      expect({ exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({ exitCode: 0 });
      expect(new Uint8Array(result.stdout)).toEqual(submission);
      expect(statusLine(result, 'GOODSIG')?.[1]).toBe(hub.fingerprint.slice(-16));
      const encryptedTo = result.status
        .filter((line) => line.startsWith('ENC_TO '))
        .map((line) => line.split(' ')[1]);
      const expectedSubkeyIds = await Promise.all(
        [partnerPublic, gpgRecipient].map(async (key) =>
          (await key.openpgpKey.getEncryptionKey()).getKeyID().toHex().toUpperCase(),
        ),
      );
      expect(encryptedTo.sort()).toEqual(expectedSubkeyIds.sort());
    });
  });
});
