/**
 * Base for errors the pipeline knows how to route. `retriable` decides between "try the same
 * record again" (broker or dependency trouble) and "this record can never succeed" (dead letter).
 */
export abstract class SamenloopError extends Error {
  abstract readonly retriable: boolean;

  constructor(
    message: string,
    /** The processing step that failed, recorded in the dead-letter headers. */
    readonly step: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The record itself is unusable (malformed, unauthorised, …); retrying cannot help. */
export class PoisonRecordError extends SamenloopError {
  readonly retriable = false;
}

/** Something outside the record failed (a dependency, the broker); the same record may succeed later. */
export class TransientProcessingError extends SamenloopError {
  readonly retriable = true;
}

/** kafkajs marks its own errors with `retriable`; anything else unmarked counts as not retriable. */
export function isRetriable(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'retriable' in error && error.retriable === true
  );
}
