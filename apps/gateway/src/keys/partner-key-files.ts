import { keyFiles, readPublicKey, UnusableKeyError } from '@samenloop/crypto';
import type { Logger } from '@samenloop/observability';
import { partnersNamedBy, type PartnerKeyPins, type PartnerRegistry } from '@samenloop/partners';
import { fileTextNow } from './file-text-now';
import { KEY_PROBLEM_OF_KIND, type KeyProblem, type PartnerKeyState } from './hub-keys';

/** A key file as last read, with what its user ids say. */
interface KeyReading {
  readonly state: PartnerKeyState;
  /**
   * The other partners the key's user ids name, found once per content (a new `RegExp` per
   * partner and user id, on every use of every key, was 1.3 % of the gateway's busy time): the
   * registry is fixed while the gateway runs.
   */
  readonly namesOthers: readonly string[];
}

interface ReadKey extends KeyReading {
  /** The file's content when it was read (undefined: no file); another content is read again. */
  readonly content: string | undefined;
}

/**
 * Partners' public keys as the keys folder holds them now. The file is read on every use (a few
 * KB: no restart, and no watcher that can miss an event) and parsed again when it changed; a key
 * is checked against the time of each use, so one that expires while the gateway runs is no
 * longer used; and a key once seen revoked is never used again, even if an older copy comes back.
 * A key is used only when the registry's pins vouch for it for that partner: the keys folder
 * alone cannot make the hub trust a key.
 */
export class PartnerKeyFiles {
  private readonly read = new Map<string, ReadKey>();
  private readonly revoked = new Set<string>();
  /** The last state reported per partner, so the operator hears of each change once. */
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly directory: string,
    /** The pins as they are now (read on each use, like the key files). */
    private readonly pins: () => PartnerKeyPins,
    private readonly registry: PartnerRegistry,
    private readonly logger: Logger,
  ) {}

  async state(partnerId: string, at: Date): Promise<PartnerKeyState> {
    const state = this.registry.get(partnerId)
      ? expiredBy(
          this.vouchedFor(await this.current(partnerId), partnerId, this.pins()),
          partnerId,
          at,
        )
      : missing(partnerId, 'not in the partner registry');
    this.report(partnerId, state);
    return state;
  }

  /** A usable key counts only when it is pinned for this partner and claims no other partner. */
  private vouchedFor(
    { state, namesOthers }: KeyReading,
    partnerId: string,
    pins: PartnerKeyPins,
  ): PartnerKeyState {
    if (!state.usable) return state;
    const { fingerprint } = state.key;
    if (!pins.pinned(partnerId).includes(fingerprint)) {
      const owner = pins.ownerOf(fingerprint);
      return notPinned(
        partnerId,
        owner === undefined
          ? `key ${fingerprint} in the keys folder is not pinned for ${partnerId}`
          : `key ${fingerprint} in the keys folder is pinned for ${owner}, not for ${partnerId}`,
      );
    }
    if (namesOthers.length > 0)
      return notPinned(
        partnerId,
        `key ${fingerprint} has a user id naming ${namesOthers.join(', ')}, another partner`,
      );
    return state;
  }

  private async current(partnerId: string): Promise<KeyReading> {
    const file = keyFiles.partnerPublic(this.directory, partnerId);
    let content: string | undefined;
    try {
      content = fileTextNow(file);
    } catch (error) {
      return {
        state: unusable(
          partnerId,
          'sleutel-onbruikbaar',
          `key file unreadable (${errorCode(error)})`,
        ),
        namesOthers: [],
      };
    }
    const known = this.read.get(partnerId);
    // Compared by content, not modification time: two writes within the file system's clock
    // granularity would otherwise look like one.
    if (known && known.content === content)
      return { ...known, state: this.notRevokedSince(known.state, partnerId) };
    const state =
      content === undefined
        ? missing(partnerId, `no public key at ${file}`)
        : await this.parse(partnerId, content);
    const namesOthers = state.usable
      ? partnersNamedBy(state.key.userIds, partnerId, this.registry).map((partner) => partner.id)
      : [];
    const read = { content, state, namesOthers };
    this.read.set(partnerId, read);
    return read;
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
        alert: ALERT_OF_PROBLEM[state.problem],
        partner: partnerId,
        problem: state.problem,
        reason: state.explanation,
      },
      'no usable public key for partner: its deliveries wait until a usable key is registered',
    );
  }
}

const ALERT_OF_PROBLEM = {
  'sleutel-ontbreekt': 'missing-partner-key',
  'sleutel-niet-vastgelegd': 'unpinned-partner-key',
  'sleutel-verlopen': 'unusable-partner-key',
  'sleutel-ingetrokken': 'unusable-partner-key',
  'sleutel-onbruikbaar': 'unusable-partner-key',
} as const satisfies Record<KeyProblem, string>;

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

/** A key the registry does not vouch for: the operator checks it and, if genuine, registers it. */
function notPinned(partnerId: string, why: string): PartnerKeyState {
  return {
    usable: false,
    problem: 'sleutel-niet-vastgelegd',
    explanation: `${partnerId}: ${why}; if the key is genuine, register it: npx samenloop partner register --id ${partnerId} --key <file.asc>`,
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
