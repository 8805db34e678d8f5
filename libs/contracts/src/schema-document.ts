/** One JSON Schema document from schemas/, as listed in the generated catalogue. */
export interface SchemaDocument {
  /** The folder name in schemas/, e.g. `zorgmelding`, `envelope`, `common`. */
  readonly name: string;
  readonly major: number;
  /** `<major>.<minor>` of the newest minor version this document describes. */
  readonly version: string;
  /** For submission payloads: the CloudEvents `type` that selects this schema. */
  readonly messageType: string | undefined;
  /** For message types: the partner kinds that may send it (`x-samenloop-senders`). */
  readonly senders: readonly string[];
  readonly document: object;
}
