import { readFile } from 'node:fs/promises';
import { keyFiles, readPublicKey } from '@samenloop/crypto';
import { newGatewayScenario } from '../support/gateway-scenario';
import { GnupgHome, requireGnupg } from '@samenloop/crypto/testing';
import { consumeUntil, produce, testKafka } from '../support/kafka-test-kit';
import { policeNumber, submissionFrom } from '../support/partner-kit';
import { runningHub } from '../support/running-hub';

/** Partners' case systems use GnuPG, not openpgp.js: the whole path, through Kafka and the gateway. */
describe('a partner using GnuPG', () => {
  const kafka = testKafka();
  const running = runningHub();
  const homes: GnupgHome[] = [];

  beforeAll(() => requireGnupg());

  afterEach(async () => {
    for (const home of homes.splice(0)) await home.dispose();
  });

  async function gnupgWith(...keyFilesToImport: string[]): Promise<GnupgHome> {
    const home = await GnupgHome.create();
    homes.push(home);
    for (const file of keyFilesToImport) await home.importKey(await readFile(file, 'utf8'));
    return home;
  }

  it('submits what `gpg --sign --encrypt -r <hub>` makes (ZLIB-compressed), and decrypts and verifies its delivery with gpg', async () => {
    running.scenario = await newGatewayScenario(kafka);
    running.gateway = await running.scenario.startGateway();
    const keys = running.scenario.partners.keysDirectory;
    const politie = await gnupgWith(
      keyFiles.partnerPrivate(keys, 'POLITIE-OB'),
      keyFiles.hubPublic(keys),
    );
    const hub = await readPublicKey(await readFile(keyFiles.hubPublic(keys), 'utf8'));
    const veiligThuis = await gnupgWith(
      keyFiles.partnerPrivate(keys, 'VT-ZOB'),
      keyFiles.hubPublic(keys),
    );
    const nummer = policeNumber();
    const value = Buffer.from(
      JSON.stringify(
        submissionFrom('zorgmelding/examples/valid/partnergeweld-met-kinderen.json', {
          sender: 'POLITIE-OB',
          zaakReferenties: { politieRegistratienummer: nummer },
        }),
      ),
    );

    // gpg follows the recipient key's preferences, and the hub's key prefers no compression; a
    // partner's gpg.conf may still force it, so the hub must take a compressed message too.
    const sealed = (
      await politie.runOk(
        ['--sign', '--encrypt', '--recipient', hub.fingerprint, '--compress-algo', 'zlib'],
        value,
      )
    ).stdout;
    await produce(kafka, running.scenario.topics.inbound('POLITIE-OB'), [
      { key: nummer, value: sealed },
    ]);
    const [delivery] = await consumeUntil(
      kafka,
      running.scenario.topics.delivery('VT-ZOB'),
      (read) => read.length >= 1,
    );
    const decrypted = await veiligThuis.run(['--decrypt'], delivery!.bytes ?? Buffer.alloc(0));

    expect(decrypted.exitCode).toBe(0);
    expect(decrypted.status).toEqual(
      expect.arrayContaining([
        'DECRYPTION_OKAY',
        expect.stringMatching(/^GOODSIG /),
        expect.stringMatching(/^VALIDSIG /),
      ]),
    );
    expect(JSON.parse(decrypted.stdout.toString('utf8'))).toMatchObject({
      recipient: 'VT-ZOB',
      niveau: 'inhoud',
      grondslag: { ruleIds: ['zm.vt.inhoud'] },
    });
  });
});
