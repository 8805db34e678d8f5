import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContractValidator } from '@samenloop/contracts';
import { createLogger, type Logger } from '@samenloop/observability';
import { PartnerRegistry } from '@samenloop/partners';
import { InvalidPolicyError } from '@samenloop/policy';
import { copyPolicyFolder, grantAllPolicy, SCHEMAS } from '../../../../test/support/policy-folder';
import { WorkerPolicyChecker } from './policy-checker';
import type { PolicyActivation, PolicyEvents, PolicyRefusal } from './policy-events';
import { PolicyHolder, PolicyRefusedError, type PolicyHolderOptions } from './policy-holder';

// The policy worker thread compiles its TypeScript (ts-node) when it starts: seconds on a busy
// 2-core machine, more than jest's 5 s default, though nothing here is a performance claim.
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../../..');
const registry = PartnerRegistry.fromYaml(
  readFileSync(path.join(ROOT, 'deploy/partners/oost-brabant.yaml'), 'utf8'),
  'partners',
);
const validator = new ContractValidator();

/** What the holder reported, as the Kafka events would write it. */
class RecordedEvents implements PolicyEvents {
  readonly live: PolicyActivation[] = [];
  readonly refusals: PolicyRefusal[] = [];
  connect = () => Promise.resolve();
  disconnect = () => Promise.resolve();
  wentLive(activation: PolicyActivation): Promise<void> {
    this.live.push(activation);
    return Promise.resolve();
  }
  refused(refusal: PolicyRefusal): Promise<void> {
    this.refusals.push(refusal);
    return Promise.resolve();
  }
}

/** A logger that keeps its error lines, to count them. */
function recordingLogger(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const logger = createLogger('test', 'fatal');
  logger.error = (...args: unknown[]) => {
    errors.push(String(args.find((arg) => typeof arg === 'string')));
  };
  return { logger, errors };
}

describe(PolicyHolder.name, () => {
  // One worker for the whole spec: it compiles the schemas once, as in the gateway.
  const checker = new WorkerPolicyChecker(registry.partners);
  afterAll(() => checker.close());

  async function started(overrides: Partial<PolicyHolderOptions> = {}) {
    const folder = copyPolicyFolder();
    const { logger, errors } = recordingLogger();
    const holder = await PolicyHolder.start({
      policyDirectory: folder.directory,
      testsDirectory: folder.testsDirectory,
      schemasDirectory: SCHEMAS,
      registry,
      validator,
      logger,
      checker: { check: (request) => checker.check(request), close: () => Promise.resolve() },
      // Only explicit reloads in this spec: the watcher's timing is not what it tests.
      debounceMs: 60_000,
      ...overrides,
    });
    const events = new RecordedEvents();
    await holder.watch(events);
    const policyFile = (name = 'oost-brabant.yaml') => path.join(folder.directory, name);
    return { holder, events, errors, folder, policyFile };
  }

  it('audits the version that went live at start-up', async () => {
    const { holder, events } = await started();

    expect(events.live).toEqual([
      expect.objectContaining({
        trigger: 'start-up',
        policyVersion: holder.current().version,
        previousVersion: null,
        files: [
          {
            name: 'oost-brabant-opvolging.yaml',
            sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
          },
          { name: 'oost-brabant.yaml', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string },
        ],
        testsPassed: expect.any(Number) as number,
        changedBy: expect.objectContaining({ uid: process.getuid?.() }) as unknown,
      }),
    ]);
    await holder.close();
  });

  it('swaps in a changed policy that loads and passes the tests, audited before it decides', async () => {
    const { holder, events, policyFile } = await started();
    const before = holder.current().version;
    writeFileSync(
      policyFile(),
      readFileSync(policyFile(), 'utf8').replace('stages: [zsm, afdoening]', 'stages: [zsm]'),
    );

    expect(await holder.reload()).toBe(true);
    expect(holder.current().version).not.toBe(before);
    expect(events.live.at(-1)).toEqual(
      expect.objectContaining({
        trigger: 'reload',
        policyVersion: holder.current().version,
        previousVersion: before,
      }),
    );
    expect(events.refusals).toEqual([]);
    await holder.close();
  });

  it.each([
    [
      'a grant-all policy that loads but fails the tests',
      (folder: { directory: string }) =>
        writeFileSync(path.join(folder.directory, 'oost-brabant.yaml'), grantAllPolicy()),
      'beleidstest-faalt',
    ],
    [
      'an emptied policy folder',
      (folder: { directory: string }) => {
        rmSync(path.join(folder.directory, 'oost-brabant.yaml'));
        rmSync(path.join(folder.directory, 'oost-brabant-opvolging.yaml'));
      },
      'geen-beleidsbestanden',
    ],
    [
      'a folder with one file removed',
      (folder: { directory: string }) =>
        rmSync(path.join(folder.directory, 'oost-brabant-opvolging.yaml')),
      'beleidstest-faalt',
    ],
    [
      'a policy that does not load (a never-shared field)',
      (folder: { directory: string }) => {
        const file = path.join(folder.directory, 'oost-brabant.yaml');
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace(
            'fields: [/conclusie, /geadviseerdeVoorwaarden]',
            'fields: [/conclusie, /vertrouwensartsBevindingen]',
          ),
        );
      },
      'beleid-ongeldig',
    ],
    [
      'a policy whose tests are gone',
      (folder: { testsDirectory: string }) => rmSync(folder.testsDirectory, { recursive: true }),
      'geen-beleidstests',
    ],
  ])('refuses %s and keeps the last good policy in force', async (_case, change, code) => {
    const { holder, events, errors, folder } = await started();
    const good = holder.current();
    change(folder);

    expect(await holder.reload()).toBe(false);
    expect(holder.current()).toBe(good);
    expect(events.live).toHaveLength(1);
    expect(events.refusals).toEqual([
      expect.objectContaining({
        keptVersion: good.version,
        refusedVersion: expect.stringMatching(/^sha256:/) as string,
        problems: expect.arrayContaining([expect.objectContaining({ code })]) as unknown,
      }),
    ]);
    expect(errors).toEqual(['policy change refused; the previous policy stays in force']);
    await holder.close();
  });

  it('names the failing tests and what they found, never a value', async () => {
    const { holder, events, folder } = await started();
    writeFileSync(path.join(folder.directory, 'oost-brabant.yaml'), grantAllPolicy());
    await holder.reload();

    const [refusal] = events.refusals;
    expect(refusal?.problems).toEqual(
      expect.arrayContaining([
        {
          code: 'beleidstest-faalt',
          file: 'zorgmelding-eindhoven-alleen-naar-vt-zob.yaml',
          detail: expect.stringMatching(
            /^policy test zorgmelding-eindhoven-alleen-naar-vt-zob\.yaml fails: .*VT-BNO must receive nothing but gets inhoud \(\/acuutGevaar, \/betrokkenen/,
          ) as string,
        },
      ]),
    );
    await holder.close();
  });

  it('reports a refused folder once, however often it is checked', async () => {
    const { holder, events, errors, folder } = await started();
    writeFileSync(path.join(folder.directory, 'oost-brabant.yaml'), grantAllPolicy());

    await Promise.all([holder.reload(), holder.reload(), holder.reload()]);
    await holder.reload();

    expect(events.refusals).toHaveLength(1);
    expect(errors).toHaveLength(1);
    await holder.close();
  });

  it('refuses a change whose check does not finish, and checks the next change afresh', async () => {
    const tooSlow = new WorkerPolicyChecker(registry.partners, 1);
    let checks = 0;
    const { holder, events, policyFile } = await started({
      checker: {
        check: (request) => (++checks === 2 ? tooSlow.check(request) : checker.check(request)),
        close: () => tooSlow.close(),
      },
    });
    const good = holder.current();
    writeFileSync(
      policyFile(),
      readFileSync(policyFile(), 'utf8').replace('stages: [zsm, afdoening]', 'stages: [zsm]'),
    );

    expect(await holder.reload()).toBe(false);
    expect(holder.current()).toBe(good);
    expect(events.refusals).toEqual([
      expect.objectContaining({
        refusedVersion: undefined,
        problems: [{ code: 'controle-mislukt', detail: 'the policy check took longer than 1 ms' }],
      }),
    ]);
    expect(await holder.reload()).toBe(true);
    expect(holder.current().version).not.toBe(good.version);
    await holder.close();
  });

  it('does not start with a policy that fails its tests, and lists every failure', async () => {
    const folder = copyPolicyFolder();
    writeFileSync(path.join(folder.directory, 'oost-brabant.yaml'), grantAllPolicy());

    const starting = PolicyHolder.start({
      policyDirectory: folder.directory,
      testsDirectory: folder.testsDirectory,
      schemasDirectory: SCHEMAS,
      registry,
      validator,
      logger: createLogger('test', 'fatal'),
      checker: { check: (request) => checker.check(request), close: () => Promise.resolve() },
    });

    await expect(starting).rejects.toThrow(PolicyRefusedError);
    await expect(starting).rejects.toBeInstanceOf(InvalidPolicyError);
    await expect(starting).rejects.toThrow(
      /^Policy in .* refused \(sha256:[0-9a-f]{64}\); the gateway does not start:\n {2}- policy test .*\.yaml fails: /,
    );
  });

  it('does not start without policy tests', async () => {
    const folder = copyPolicyFolder();

    await expect(
      PolicyHolder.start({
        policyDirectory: folder.directory,
        testsDirectory: mkdtempSync(path.join(tmpdir(), 'samenloop-no-tests-')),
        schemasDirectory: SCHEMAS,
        registry,
        validator,
        logger: createLogger('test', 'fatal'),
        checker: { check: (request) => checker.check(request), close: () => Promise.resolve() },
      }),
    ).rejects.toThrow(
      /no policy test \(\*\.yaml\) in .*: a policy goes live only when its tests pass/,
    );
  });
});
