import { exitOnStartFailure as exitOnStartFailureOf } from '@samenloop/errors';

/** Ends the gateway over what it cannot run with, found at start-up or when an instance takes over. */
export const exitOnStartFailure = exitOnStartFailureOf('gateway');
