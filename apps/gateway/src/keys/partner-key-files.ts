import { keyFiles, readKeyFile, readPublicKey, UnusableKeyError } from '@samenloop/crypto';
import type { Logger } from '@samenloop/observability';
import type { PartnerRegistry } from '@samenloop/partners';
import { KEY_PROBLEM_OF_KIND, type KeyProblem, type PartnerKeyState } from '../routing/hub-keys';

interface ReadKey {
  /** The file's content when it was read (undefined: no file); another content is read again. */
  readonly content: string | undefined;
  readonly state: PartnerKeyState;
}

/**
 * Partners' public keys as the keys folder holds them now. The file is read on every use (a few
 * KB: no restart, and no watcher that can miss an event) and parsed again when it changed; a key
 * is checked against the time of each use, so one that expires while the gateway runs is no
 * longer used; and a key once seen revoked is never used again, even if an older copy comes back.
 */
export class PartnerKeyFiles {
  private readonly read = new Map<string, ReadKey>();
  private readonly revoked = new Set<string>();
  /** The last state reported per partner, so the operator hears of each change once. */
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly directory: string,
    private readonly registry: PartnerRegistry,
    private readonly logger: Logger,
  ) {}

  async state(partnerId: string, at: Date): Promise<PartnerKeyState> {
    const state = this.registry.get(partnerId)
      ? expiredBy(await this.current(partnerId), partnerId, at)
      : missing(partnerId, 'not in the partner registry');
    this.report(partnerId, state);
    return state;
  }

  private async current(partnerId: string): Promise<PartnerKeyState> {
    const file = keyFiles.partnerPublic(this.directory, partnerId);
    let content: string | undefined;
    try {
      content = await readKeyFile(file);
    } catch (error) {
      return unusable(
        partnerId,
        'sleutel-onbruikbaar',
        `key file unreadable (${errorCode(error)})`,
      );
    }
    const known = this.read.get(partnerId);
    // Compared by content, not modification time: two writes within the file system's clock
    // granularity would otherwise look like one.
    if (known && known.content === content) return this.notRevokedSince(known.state, partnerId);
    const state =
      content === undefined
        ? missing(partnerId, `no public key at ${file}`)
        : await this.parse(partnerId, content);
    this.read.set(partnerId, { content, state });
    return state;
  }

  private async parse(partnerId: string, armored: string): Promise<PartnerKeyState> {
    try {
      return this.notRevokedSince({ usable: true, key: await readPublicKey(armored) }, partnerId);
    } catch (error) {
      if (!(error instanceof UnusableKeyError))
        return unusable(partnerId, 'sleutel-onbruikbaar', 'key file holds no OpenPGP public key');
      if (error.kind === 'revoked') this.revoked.add(error.fingerprint);
      return unusable(
        partnerId,
        KEY_PROBLEM_OF_KIND[error.kind],
        `key ${error.fingerprint} ${error.reason}`,
      );
    }
  }

  /** A revocation is for good: the same key is refused even if an unrevoked copy reappears. */
  private notRevokedSince(state: PartnerKeyState, partnerId: string): PartnerKeyState {
    if (!state.usable || !this.revoked.has(state.key.fingerprint)) return state;
    return unusable(
      partnerId,
      'sleutel-ingetrokken',
      `key ${state.key.fingerprint} was revoked and is never used again`,
    );
  }

  private report(partnerId: string, state: PartnerKeyState): void {
    const summary = state.usable ? `usable:${state.key.fingerprint}` : state.explanation;
    if (this.reported.get(partnerId) === summary) return;
    const first = !this.reported.has(partnerId);
    this.reported.set(partnerId, summary);
    if (state.usable) {
      if (!first)
        this.logger.info(
          { partner: partnerId, fingerprint: state.key.fingerprint },
          'partner key usable: deliveries waiting for it are released',
        );
      return;
    }
    this.logger.error(
      {
        alert:
          state.problem === 'sleutel-ontbreekt' ? 'missing-partner-key' : 'unusable-partner-key',
        partner: partnerId,
        problem: state.problem,
        reason: state.explanation,
      },
      'no usable public key for partner: its deliveries wait until a usable key is registered',
    );
  }
}

function expiredBy(state: PartnerKeyState, partnerId: string, at: Date): PartnerKeyState {
  if (!state.usable || state.key.usableAt(at)) return state;
  return unusable(
    partnerId,
    'sleutel-verlopen',
    `key ${state.key.fingerprint} expired on ${state.key.usableUntil?.toISOString()}`,
  );
}

function missing(partnerId: string, why: string): PartnerKeyState {
  return {
    usable: false,
    problem: 'sleutel-ontbreekt',
    explanation: `${partnerId}: ${why}; register its public key`,
  };
}

function unusable(partnerId: string, problem: KeyProblem, why: string): PartnerKeyState {
  return {
    usable: false,
    problem,
    explanation: `${partnerId}: ${why}; register a usable key`,
  };
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
