import { HUB_SENDER } from '@samenloop/contracts';
import { StartupError } from '@samenloop/errors';
import { parse } from 'yaml';
import { z } from 'zod';

export const PARTNER_KINDS = [
  'POLITIE',
  'OM',
  'VT',
  'RVDK',
  '3RO',
  'SLACHTOFFERHULP',
  'HALT',
  'GEMEENTE',
  'ZVH',
  // The hub operator (functioneel beheer): receives the hub's alerts about routing, ids only.
  'BEHEER',
] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

const partnerSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[A-Z0-9]+(-[A-Z0-9]+)*$/,
        'must be capitals and digits in dash-separated parts, e.g. VT-ZOB',
      ),
    name: z.string().min(1).max(200),
    kind: z.enum(PARTNER_KINDS),
    oin: z.string().regex(/^[0-9]{20}$/, 'must be an OIN of 20 digits'),
    gemeenten: z
      .array(z.string().regex(/^GM[0-9]{4}$/, 'must be a CBS municipality code such as GM0796'))
      .optional(),
  })
  .strict()
  .superRefine((partner, context) => {
    if (partner.kind === 'VT' && (partner.gemeenten ?? []).length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['gemeenten'],
        message: 'a VT must list the municipalities it serves',
      });
    }
  });

const registrySchema = z.object({ partners: z.array(partnerSchema).min(1) }).strict();

export type Partner = Readonly<z.infer<typeof partnerSchema>>;

/** The hub as the sender of its alerts: never in the registry, so never a recipient. */
export function hubSender(oin: string): Partner {
  return Object.freeze({ id: HUB_SENDER, name: 'Samenloop', kind: 'BEHEER', oin });
}

/** The OIN a CloudEvents `source` (`urn:nld:oin:<OIN>[:systeem:…]`) names, if any. */
export function oinOf(source: string): string | undefined {
  return /^urn:nld:oin:([0-9]{20})(:|$)/.exec(source)?.[1];
}

export class InvalidPartnerRegistryError extends StartupError {
  constructor(
    readonly source: string,
    problems: readonly string[],
  ) {
    super(`Invalid partner registry ${source}`, problems);
  }
}

/** The partners Samenloop knows: who they are, their kind, their OIN and, for a VT, its municipalities. */
export class PartnerRegistry {
  private readonly byId: ReadonlyMap<string, Partner>;
  private readonly byOin: ReadonlyMap<string, Partner>;
  private readonly vtByGemeente: ReadonlyMap<string, Partner>;

  constructor(readonly partners: readonly Partner[]) {
    this.byId = new Map(partners.map((partner) => [partner.id, partner]));
    this.byOin = new Map(partners.map((partner) => [partner.oin, partner]));
    this.vtByGemeente = new Map(
      partners.flatMap((partner) =>
        partner.kind === 'VT'
          ? (partner.gemeenten ?? []).map((code) => [code, partner] as const)
          : [],
      ),
    );
  }

  /** Parses and checks a registry file: every problem is listed in one error. */
  static fromYaml(text: string, source: string): PartnerRegistry {
    let raw: unknown;
    try {
      raw = parse(text);
    } catch (error) {
      throw new InvalidPartnerRegistryError(source, [
        `not valid YAML: ${error instanceof Error ? error.message : String(error)}`,
      ]);
    }
    const parsed = registrySchema.safeParse(raw);
    if (!parsed.success) {
      throw new InvalidPartnerRegistryError(
        source,
        parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
      );
    }
    const problems = [
      ...(parsed.data.partners.some((partner) => partner.id === HUB_SENDER)
        ? [`partner id ${HUB_SENDER} is the hub's own; choose another`]
        : []),
      ...duplicates(parsed.data.partners.map((partner) => partner.id)).map(
        (id) => `partner id ${id} is listed more than once`,
      ),
      ...duplicates(parsed.data.partners.map((partner) => partner.oin)).map(
        (oin) => `OIN ${oin} is listed for more than one partner`,
      ),
      // Routing to the right VT must never be a guess: one municipality, one VT.
      ...duplicates(
        parsed.data.partners.flatMap((partner) =>
          partner.kind === 'VT' ? (partner.gemeenten ?? []) : [],
        ),
      ).map((code) => `municipality ${code} is served by more than one VT`),
    ];
    if (problems.length > 0) throw new InvalidPartnerRegistryError(source, problems);
    return new PartnerRegistry(
      parsed.data.partners.map((partner) => Object.freeze({ ...partner })),
    );
  }

  get(id: string): Partner | undefined {
    return this.byId.get(id);
  }

  byOrganisation(oin: string): Partner | undefined {
    return this.byOin.get(oin);
  }

  /** The partner a CloudEvents `source` (`urn:nld:oin:<OIN>[:systeem:…]`) names, if any. */
  bySource(source: string): Partner | undefined {
    const oin = oinOf(source);
    return oin === undefined ? undefined : this.byOin.get(oin);
  }

  /** The VT that serves a municipality, if any. */
  vtFor(gemeentecode: string): Partner | undefined {
    return this.vtByGemeente.get(gemeentecode);
  }

  serves(partner: Partner, gemeentecode: string): boolean {
    return (partner.gemeenten ?? []).includes(gemeentecode);
  }
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const value of values) (seen.has(value) ? repeated : seen).add(value);
  return [...repeated];
}
