import { readFile, writeFile } from 'node:fs/promises';
import { signDetached, verifyDetached } from './detached-signature';
import { decryptAndVerify, signAndEncrypt } from './envelope';
import { readPrivateKey, readPublicKey, type PgpPrivateKey, type PgpPublicKey } from './keys';
import { generatePartnerKey, type GeneratedKeyPair } from './partner-key.generator';
// Shared with the end-to-end GnuPG test of the gateway.
import { GnupgHome, requireGnupg, type GpgResult } from '../../../test/support/gnupg-home';

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

  describe(verifyDetached.name, () => {
    it.each([
      ['armored', ['--armor']],
      ['binary', []],
    ])(
      'accepts a partner’s %s gpg detached signature over a JSON file',
      async (_form, armorFlag) => {
        await home.importKey(partner.privateKeyArmored);
        await writeFile(home.path('submission.json'), submission);
        await home.runOk([
          '--local-user',
          partner.fingerprint,
          '--detach-sign',
          ...armorFlag,
          '--output',
          home.path('submission.json.sig'),
          home.path('submission.json'),
        ]);
        const signatureFile = await readFile(home.path('submission.json.sig'));
        const signature =
          armorFlag.length > 0 ? signatureFile.toString('utf8') : new Uint8Array(signatureFile);

        await expect(verifyDetached(submission, signature, [partnerPublic])).resolves.toEqual({
          valid: true,
          signingKeyFingerprint: partner.fingerprint,
        });
      },
    );

    it('accepts a signature by a key GnuPG generated itself (ed25519 + cv25519), read from its armored export', async () => {
      const gpgKey = await home.generateKey('Partner <p@example.test>');
      const partnerKey = await readPublicKey(gpgKey.publicKeyArmored);
      await writeFile(home.path('submission.json'), submission);
      await home.runOk([
        '--local-user',
        gpgKey.fingerprint,
        '--detach-sign',
        '--output',
        home.path('submission.json.sig'),
        home.path('submission.json'),
      ]);
      const signature = new Uint8Array(await readFile(home.path('submission.json.sig')));

      expect(partnerKey.fingerprint).toBe(gpgKey.fingerprint);
      expect(partnerKey.openpgpKey.keyPacket.version).toBe(4);
      expect(partnerKey.openpgpKey.getAlgorithmInfo().algorithm).toBe('eddsaLegacy');
      await expect(verifyDetached(submission, signature, [partnerKey])).resolves.toEqual({
        valid: true,
        signingKeyFingerprint: gpgKey.fingerprint,
      });
    });

    it('reports bad-signature when the file changed after gpg signed it', async () => {
      await home.importKey(partner.privateKeyArmored);
      await writeFile(home.path('submission.json'), submission);
      const { stdout: signature } = await home.runOk([
        '--local-user',
        partner.fingerprint,
        '--detach-sign',
        '--output',
        '-',
        home.path('submission.json'),
      ]);
      const changed = new TextEncoder().encode(
        new TextDecoder().decode(submission).replace('Jan', 'Jon'),
      );

      await expect(
        verifyDetached(changed, new Uint8Array(signature), [partnerPublic]),
      ).resolves.toEqual({
        valid: false,
        reason: 'bad-signature',
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

  describe(decryptAndVerify.name, () => {
    it('reads a message a partner signed and encrypted to the hub with gpg (zlib-compressed, SEIPDv1)', async () => {
      const gpgKey = await home.generateKey('Politie <politie@example.test>');
      const politie = await readPublicKey(gpgKey.publicKeyArmored);
      await home.importKey(hub.publicKeyArmored);
      const { stdout: encrypted } = await home.runOk(
        [
          '--local-user',
          gpgKey.fingerprint,
          '--recipient',
          hub.fingerprint,
          // The hub key prefers no compression; force zlib, gpg's usual choice for its own keys.
          '--compress-algo',
          'zlib',
          '--sign',
          '--encrypt',
        ],
        submission,
      );

      await expect(
        decryptAndVerify(new Uint8Array(encrypted), {
          decryptionKey: hubPrivate,
          verificationKeys: [politie],
        }),
      ).resolves.toEqual({
        plaintext: submission,
        signatureValid: true,
        signingKeyFingerprint: gpgKey.fingerprint,
      });
    });
  });

  describe(signDetached.name, () => {
    it('makes a detached signature that gpg --verify reports good', async () => {
      await home.importKey(hub.publicKeyArmored);
      await writeFile(home.path('receipt.json'), submission);
      await writeFile(home.path('receipt.json.sig'), await signDetached(submission, hubPrivate));

      const result = await home.run([
        '--verify',
        home.path('receipt.json.sig'),
        home.path('receipt.json'),
      ]);

      expect({ exitCode: result.exitCode, stderr: result.stderr }).toMatchObject({ exitCode: 0 });
      expect(statusLine(result, 'VALIDSIG')?.at(-1)).toBe(hub.fingerprint);
    });
  });
});
