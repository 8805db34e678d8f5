import { parse } from 'yaml';
import { z } from 'zod';
import type { Partner, PartnerRegistry } from './partner-registry';

const FINGERPRINT = /^[0-9A-F]{40}$/;
const FINGERPRINT_FORMAT =
  "must be a v4 OpenPGP fingerprint of 40 hex digits, in quotes (as 'ABCD…')";

/** A fingerprint as the pins hold it: upper-case hex without the spaces `gpg --fingerprint` prints. */
export function normaliseFingerprint(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

const pinsSchema = z.record(
  z.string(),
  z
    .array(
      z
        .string({ error: FINGERPRINT_FORMAT })
        .transform(normaliseFingerprint)
        .pipe(z.string().regex(FINGERPRINT, FINGERPRINT_FORMAT)),
      { error: 'must be a list of key fingerprints' },
    )
    // `VT-ZOB:` with nothing after it: no key pinned yet.
    .nullable()
    .transform((fingerprints) => fingerprints ?? []),
  { error: 'must map partner ids to lists of key fingerprints' },
);

export class InvalidPartnerKeyPinsError extends Error {
  readonly retriable = false;
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid partner key pins ${source} (none of it is applied):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'InvalidPartnerKeyPinsError';
  }
}

/**
 * Which OpenPGP keys the reviewed partner registry vouches for, by fingerprint, per partner. The
 * keys folder only holds key files; a key file counts for a partner only if its fingerprint is
 * pinned here, so writing that folder is not enough to impersonate a partner. More than one pin
 * per partner lets a key be rotated with an overlap; one key never serves two partners.
 */
export class PartnerKeyPins {
  private readonly owners: ReadonlyMap<string, string>;

  private constructor(private readonly byPartner: ReadonlyMap<string, readonly string[]>) {
    this.owners = new Map(
      [...byPartner].flatMap(([partnerId, fingerprints]) =>
        fingerprints.map((fingerprint) => [fingerprint, partnerId] as const),
      ),
    );
  }

  static empty(): PartnerKeyPins {
    return new PartnerKeyPins(new Map());
  }

  /** Parses and checks a pin file against the registry: every problem is listed in one error. */
  static fromYaml(text: string, source: string, registry: PartnerRegistry): PartnerKeyPins {
    let raw: unknown;
    try {
      raw = parse(text) ?? {};
    } catch (error) {
      throw new InvalidPartnerKeyPinsError(source, [
        `not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      ]);
    }
    const parsed = pinsSchema.safeParse(raw);
    if (!parsed.success) {
      throw new InvalidPartnerKeyPinsError(
        source,
        parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
      );
    }
    const partnersOf = new Map<string, string[]>();
    for (const [partnerId, fingerprints] of Object.entries(parsed.data))
      for (const fingerprint of new Set(fingerprints))
        partnersOf.set(fingerprint, [...(partnersOf.get(fingerprint) ?? []), partnerId]);
    const problems = [
      ...Object.keys(parsed.data)
        .filter((partnerId) => registry.get(partnerId) === undefined)
        .map(
          (partnerId) => `${partnerId}: not in the partner registry; remove it or add the partner`,
        ),
      ...[...partnersOf]
        .filter(([, partners]) => partners.length > 1)
        .map(
          ([fingerprint, partners]) =>
            `fingerprint ${fingerprint} is pinned for ${partners.join(' and ')}: one key cannot serve two partners; keep it for the partner it belongs to`,
        ),
    ];
    if (problems.length > 0) throw new InvalidPartnerKeyPinsError(source, problems);
    return new PartnerKeyPins(
      new Map(
        Object.entries(parsed.data).map(([partnerId, fingerprints]) => [
          partnerId,
          Object.freeze([...new Set(fingerprints)]),
        ]),
      ),
    );
  }

  pinned(partnerId: string): readonly string[] {
    return this.byPartner.get(partnerId) ?? [];
  }

  /** The partner a fingerprint is pinned for, if any. */
  ownerOf(fingerprint: string): string | undefined {
    return this.owners.get(normaliseFingerprint(fingerprint));
  }

  /**
   * These pins with `fingerprint` pinned for `partnerId`: added to its earlier pins (an overlap
   * while the partner rotates its key), or instead of them with `replace`.
   */
  withPin(partnerId: string, fingerprint: string, { replace = false } = {}): PartnerKeyPins {
    const pin = normaliseFingerprint(fingerprint);
    const owner = this.ownerOf(pin);
    if (owner !== undefined && owner !== partnerId)
      throw new Error(`fingerprint ${pin} is already pinned for ${owner}`);
    const kept = replace ? [] : this.pinned(partnerId).filter((known) => known !== pin);
    return new PartnerKeyPins(new Map([...this.byPartner, [partnerId, [...kept, pin]]]));
  }

  /** The pin file's text, partner ids sorted, so that a change reads as a small diff in review. */
  toYaml(): string {
    const lines = [...this.byPartner]
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([partnerId, fingerprints]) => [
        `${partnerId}:`,
        // Quoted: YAML would read a fingerprint of digits (and one E) as a number.
        ...fingerprints.map((fingerprint) => `  - '${fingerprint}'`),
      ]);
    return `${PIN_FILE_HEADER}${lines.join('\n')}\n`;
  }
}

const PIN_FILE_HEADER = `# Partner key pins: the fingerprints of the OpenPGP keys the partner registry vouches for, per
# partner id. A key file in the keys folder is used for a partner only when its fingerprint is
# listed here. Review changes like the registry itself; register keys with
#   npx samenloop partner register --id <ID> --key <file.asc>
`;

/**
 * The other registry partners a key's user ids name, by id (a whole word in capitals, or an
 * e-mail address's local part) or by OIN: such a key claims to be another organisation.
 */
export function partnersNamedBy(
  userIds: readonly string[],
  partnerId: string,
  registry: PartnerRegistry,
): Partner[] {
  return registry.partners.filter(
    (partner) =>
      partner.id !== partnerId && userIds.some((userId) => namesPartner(userId, partner)),
  );
}

function namesPartner(userId: string, partner: Partner): boolean {
  if (new RegExp(`(^|\\D)${partner.oin}(\\D|$)`).test(userId)) return true;
  // Ids are capitals, so lower-case words ("om" is Dutch for "around") are not taken for one.
  if (userId.split(/[^A-Za-z0-9-]+/).includes(partner.id)) return true;
  const localParts = [...userId.matchAll(/([^\s<>@]+)@/g)].map((match) => match[1]!.toUpperCase());
  return localParts.includes(partner.id);
}
