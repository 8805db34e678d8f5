import { KafkaJSNonRetriableError } from 'kafkajs';
import { UndecodableBatchError } from './compression';
import { PoisonRecordError } from './errors';
import { undecodableCause } from './undecodable-batch';

/** kafkajs's retrier gives up on a fetch with `new KafkaJSNonRetriableError(e, { cause })`. */
function asKafkajsCrash(error: Error): Error {
  const crash = new KafkaJSNonRetriableError(error);
  return Object.assign(crash, { cause: error });
}

describe(undecodableCause.name, () => {
  it('finds the undecodable batch behind the error kafkajs crashes the consumer with', () => {
    const undecodable = new UndecodableBatchError('snappy', 'invalid input');

    expect(undecodableCause(asKafkajsCrash(undecodable))).toBe(undecodable);
    expect(undecodableCause(undecodable)).toBe(undecodable);
  });

  it('finds none behind any other crash', () => {
    expect(undecodableCause(asKafkajsCrash(new PoisonRecordError('bad', 'validate')))).toBe(
      undefined,
    );
    expect(undecodableCause(new Error('The producer has been fenced'))).toBe(undefined);
    expect(undecodableCause('not an error')).toBe(undefined);
  });
});
