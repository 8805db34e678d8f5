/** A file a case system dropped in an adapter's inbox folder, read whole once it stopped growing. */
export interface DroppedFile {
  /** Its name in the inbox folder (no directory). */
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * What an adapter made of a file. `processed`: it was submitted (rows the adapter could not use
 * are listed in `problems` and the rest went on); `error`: nothing of it was submitted. Problems
 * are lines as `samenloop validate` prints them — where (line, column, schema path) and what to
 * fix, never a value from the file — and go into the report beside the moved file.
 */
export type FileOutcome =
  | {
      readonly status: 'processed';
      /** Counts for the report and the log, e.g. `{ rows: 500, submitted: 12, unchanged: 487, rejected: 1 }`. */
      readonly summary: Readonly<Record<string, number>>;
      readonly problems: readonly string[];
    }
  | { readonly status: 'error'; readonly problems: readonly string[] };

/**
 * One kind of file an adapter takes. `handle` must be safe to run again on the same file after a
 * crash: whatever it submitted before is recognised (idempotency) and not submitted twice. It
 * throws only when it could not finish (the broker is down): the file then stays in the inbox and
 * is handled again later.
 */
export interface FileHandler {
  /** For logs and reports, e.g. `corv-zorgmelding`, `zsm-extract`. */
  readonly kind: string;
  handle(file: DroppedFile): Promise<FileOutcome>;
}

/** An inbox folder and the handler of the files dropped in it. */
export interface FileDrop {
  readonly directory: string;
  readonly handler: FileHandler;
}
