import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

const HOUR = 3_600_000;
/** Enough hours for years of arrests; beyond it the memory starts afresh rather than grow. */
const MAX_REMEMBERED_HOURS = 100_000;

/**
 * An IANA zone that remembers its UTC offset per hour. Luxon asks a zone for its offset several
 * times per wall-clock step, and an IANA zone answers each time with an `Intl` `formatToParts`,
 * which made the ZSM clock the costliest part of accepting an arrest. An hour's offset is
 * remembered only when its first and last millisecond have the same one: an hour with a
 * transition inside it (in tzdata only before 1940) is asked afresh every time, so every answer is
 * the IANA zone's own.
 */
export class HourlyOffsetZone extends Zone {
  private readonly iana: IANAZone;
  private readonly offsets = new Map<number, number>();

  constructor(name: string) {
    super();
    this.iana = IANAZone.create(name);
    if (!this.iana.isValid) throw new Error(`unknown time zone ${name}`);
  }

  override get type(): string {
    return this.iana.type;
  }

  override get name(): string {
    return this.iana.name;
  }

  override get isUniversal(): boolean {
    return this.iana.isUniversal;
  }

  override get isValid(): true {
    return true;
  }

  override offsetName(ts: number, options: ZoneOffsetOptions): string {
    return this.iana.offsetName(ts, options) ?? '';
  }

  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.iana.formatOffset(ts, format);
  }

  override offset(ts: number): number {
    const hour = Math.floor(ts / HOUR);
    const remembered = this.offsets.get(hour);
    if (remembered !== undefined) return remembered;
    const first = this.iana.offset(hour * HOUR);
    if (Number.isNaN(first) || first !== this.iana.offset(hour * HOUR + HOUR - 1))
      return this.iana.offset(ts);
    if (this.offsets.size >= MAX_REMEMBERED_HOURS) this.offsets.clear();
    this.offsets.set(hour, first);
    return first;
  }

  override equals(other: Zone): boolean {
    return other === this || this.iana.equals(other);
  }
}
