/**
 * Something a process cannot start without is wrong or missing: settings, keys, the policy, the
 * partner registry, the hub's topics. Each problem names what to fix, one a line, so an entry point
 * prints the message as it is (no stack) and every problem is fixed in one round.
 */
export class StartupError extends Error {
  readonly retriable = false;

  constructor(
    heading: string,
    readonly problems: readonly string[],
    options: { readonly hint?: string; readonly cause?: unknown } = {},
  ) {
    super(
      [
        `${heading}:`,
        ...problems.map((problem) => `  - ${problem}`),
        ...(options.hint ? [options.hint] : []),
      ].join('\n'),
      'cause' in options ? { cause: options.cause } : undefined,
    );
    this.name = new.target.name;
  }
}
