import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDevelopmentKeys, keyFiles } from '@samenloop/crypto';
import { createLogger } from '@samenloop/observability';
import { pinPartnerKeys } from '@samenloop/partners';
import { encryptKey, readPrivateKey } from 'openpgp';
import { registry } from '../submissions/submission-handler.fixture';
import { loadHubKeys, MissingKeysError, type KeySettings } from './hub-keys.loader';

const PASSPHRASE = 'correct horse battery staple';
const logger = createLogger('test', 'fatal');

describe(loadHubKeys.name, () => {
  let root: string;
  let settings: KeySettings;
  let pinned: Record<string, string>;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'samenloop-hub-keys-'));
    const keysDirectory = path.join(root, 'keys');
    const generated = await generateDevelopmentKeys(keysDirectory, ['VT-ZOB', 'VT-BNO']);
    pinned = { ...generated.createdPartnerKeys };
    settings = {
      keysDirectory,
      partnerKeysFile: path.join(root, 'partner-keys.yaml'),
      hubKeyPassphrase: undefined,
    };
    await pinPartnerKeys(settings.partnerKeysFile, registry, pinned);
  });

  const failure = (overrides: Partial<KeySettings>) =>
    loadHubKeys({ ...settings, ...overrides }, registry, logger).then(
      () => {
        throw new Error('the keys loaded');
      },
      (error: unknown) => error as MissingKeysError,
    );

  it('loads the hub key and uses the partner keys the pins vouch for', async () => {
    const keys = await loadHubKeys(settings, registry, logger);

    expect(await keys.partner('VT-ZOB', new Date())).toMatchObject({
      usable: true,
      key: { fingerprint: pinned['VT-ZOB'] },
    });
  });

  it('does not start without the pin file, naming the setting', async () => {
    const error = await failure({ partnerKeysFile: path.join(root, 'nowhere.yaml') });

    expect(error).toBeInstanceOf(MissingKeysError);
    expect(error.problems).toEqual([
      expect.stringMatching(
        /^no partner key pins at .*nowhere\.yaml \(SAMENLOOP_PARTNER_KEYS_FILE\)/,
      ),
    ]);
  });

  it('does not start with a pin file that pins one key for two partners, naming both', async () => {
    const file = path.join(root, 'shared-key.yaml');
    writeFileSync(file, `VT-ZOB: ['${pinned['VT-ZOB']}']\nVT-BNO: ['${pinned['VT-ZOB']}']\n`);

    const error = await failure({ partnerKeysFile: file });

    expect(error.problems).toEqual([
      expect.stringContaining(
        `fingerprint ${pinned['VT-ZOB']} is pinned for VT-ZOB and VT-BNO: one key cannot serve two partners`,
      ),
    ]);
  });

  describe('a passphrase-protected hub key', () => {
    let protectedKeys: KeySettings;

    beforeAll(async () => {
      const keysDirectory = path.join(root, 'protected');
      await generateDevelopmentKeys(keysDirectory, []);
      const file = keyFiles.hubPrivate(keysDirectory);
      const locked = await encryptKey({
        privateKey: await readPrivateKey({ armoredKey: readFileSync(file, 'utf8') }),
        passphrase: PASSPHRASE,
        config: { s2kIterationCountByte: 0 }, // the cheapest S2K keeps the test fast
      });
      writeFileSync(file, locked.armor());
      protectedKeys = { ...settings, keysDirectory };
    });

    const passphraseFile = (content: string) => {
      const file = path.join(root, `passphrase-${Math.random()}`);
      writeFileSync(file, content);
      return { setting: 'SAMENLOOP_HUB_KEY_PASSPHRASE_FILE', file } as const;
    };

    it('starts with its passphrase from a file (one trailing newline ignored) or the environment', async () => {
      await expect(
        loadHubKeys(
          { ...protectedKeys, hubKeyPassphrase: passphraseFile(`${PASSPHRASE}\n`) },
          registry,
          logger,
        ),
      ).resolves.toBeDefined();
      await expect(
        loadHubKeys(
          {
            ...protectedKeys,
            hubKeyPassphrase: {
              setting: 'SAMENLOOP_HUB_KEY_PASSPHRASE',
              passphrase: () => PASSPHRASE,
            },
          },
          registry,
          logger,
        ),
      ).resolves.toBeDefined();
    });

    it('does not start without a passphrase, saying which setting gives it', async () => {
      const error = await failure(protectedKeys);

      expect(error.problems).toEqual([
        expect.stringMatching(
          /^hub key .*private\.asc \([0-9A-F]{40}\) is passphrase-protected: set SAMENLOOP_HUB_KEY_PASSPHRASE_FILE/,
        ),
      ]);
    });

    it('does not start with a wrong passphrase, naming the setting and never the passphrase', async () => {
      const source = passphraseFile('not the passphrase');

      const error = await failure({ ...protectedKeys, hubKeyPassphrase: source });

      expect(error.message).toContain(
        `the passphrase from SAMENLOOP_HUB_KEY_PASSPHRASE_FILE (${source.file}) does not unlock hub key`,
      );
      expect(error.message).not.toContain('not the passphrase');
    });

    it('does not start when the passphrase file cannot be read', async () => {
      const error = await failure({
        ...protectedKeys,
        hubKeyPassphrase: {
          setting: 'SAMENLOOP_HUB_KEY_PASSPHRASE_FILE',
          file: path.join(root, 'no-such-file'),
        },
      });

      expect(error.problems).toEqual([
        `SAMENLOOP_HUB_KEY_PASSPHRASE_FILE: cannot read ${path.join(root, 'no-such-file')} (ENOENT)`,
      ]);
    });
  });
});
