import { z } from 'zod';
import { DEFAULT_GATEWAY_CONSUMER_GROUP, DEFAULT_GATEWAY_INSTANCE_ID } from './client-ids';

const BROKER_ADDRESS = /^[^\s:,]+:\d{1,5}$/;

/**
 * The Kafka settings the gateway and the CLI both read, checked the same way in both: the CLI
 * derives the hub's ACLs from the gateway's group and instance id, so they must parse alike.
 */
export const hubSettingsFields = {
  /** `KAFKA_BROKERS`: comma-separated host:port; each reader says whether it has a default. */
  brokers: (required: string) =>
    z
      .string({ error: required })
      .transform((value) =>
        value
          .split(',')
          .map((broker) => broker.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(z.string().regex(BROKER_ADDRESS, 'each broker must be host:port'))
          .min(1, 'must name at least one broker as host:port'),
      ),
  GATEWAY_INSTANCE_ID: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'must be 1-64 lower-case letters, digits or dashes')
    .default(DEFAULT_GATEWAY_INSTANCE_ID),
  GATEWAY_CONSUMER_GROUP: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,128}$/, 'must be 1-128 letters, digits, dots, dashes or underscores')
    .default(DEFAULT_GATEWAY_CONSUMER_GROUP),
  SAMENLOOP_TOPIC_NAMESPACE: z
    .string()
    .regex(
      /^([a-z0-9][a-z0-9-]{0,39})?$/,
      'must be empty or up to 40 lower-case letters, digits and dashes',
    )
    .default(''),
};
