import type { AuditChainLinker } from '@samenloop/audit';
import type { CaseLedger } from '@samenloop/case';
import { KafkaLease } from '@samenloop/messaging';
import { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import type { Logger } from '@samenloop/observability';
import type { PartnerRegistry } from '@samenloop/partners';
import type { Kafka } from 'kafkajs';
import type { CaseStateTopic } from '../cases/case-state.topic';
import { ClockTicker } from '../clock/clock-ticker';
import type { GatewayConfig } from '../config/gateway-config';
import { recordKeyPseudonym, type HubKeys } from '../keys/hub-keys';
import { readStateTopic } from '../topics/compacted-topic.reader';
import type { WaitingDeliveries } from '../waiting/waiting-deliveries';
import { exitOnStartFailure } from '../start-failure';
import { hubRecordPatterns } from './hub-record-patterns';

export interface HubTransportParts {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly kafka: Kafka;
  readonly registry: PartnerRegistry;
  readonly keys: HubKeys;
  readonly caseState: CaseStateTopic;
  readonly ledger: CaseLedger;
  readonly waiting: WaitingDeliveries;
  readonly auditChain: AuditChainLinker;
}

/**
 * The hub's exactly-once pipeline as a Nest transport: case state, waiting deliveries and audit
 * chain heads travel with each chunk's transaction and are read back from Kafka before consuming.
 */
export function hubTransport(parts: HubTransportParts): TransactionalKafkaServer {
  const { config, logger, kafka, keys, caseState, ledger, waiting, auditChain } = parts;
  const { topics } = config;
  return new TransactionalKafkaServer({
    patterns: hubRecordPatterns(topics, parts.registry.partners),
    pipeline: {
      kafka,
      logger,
      groupId: config.consumerGroupId,
      sessionTimeoutMs: config.sessionTimeoutMs,
      transactionalId: config.transactionalId,
      deadLetterTopic: topics.deadLetter,
      maxDeadLetterOriginalBytes: config.maxMessageBytes,
      deadLetterKey: recordKeyPseudonym(keys),
      restartBackoff: config.restartBackoff,
      commitStallMs: config.commitStallMs,
      // One active instance per group; the others stand by (README: "Nothing lost, nothing repeated").
      lease: new KafkaLease({
        kafka,
        logger,
        ...config.lease,
        topic: topics.lease,
        instanceId: config.instanceId,
      }),
      activeDuties: clockDuty(parts),
      // A takeover that cannot read the hub's state ends the process, as it would at start-up.
      onStartupError: exitOnStartFailure,
      chunkState: {
        pendingRecords: () => [
          ...caseState.records(ledger.pendingEntries),
          ...waiting.pendingRecords,
        ],
        committed: () => {
          ledger.commit();
          waiting.committed();
          auditChain.committed();
        },
        aborted: () => {
          ledger.abort();
          waiting.aborted();
          auditChain.aborted();
        },
      },
      // The pipeline is the audit's single writer: every audit record is chained as its chunk is sent.
      beforeSend: auditChain.link,
      beforeConsuming: async () => {
        const { entries, skipped } = await caseState.restore(kafka, ledger);
        waiting.restore(await readStateTopic(kafka, topics.waitingDeliveries));
        const heads = await auditChain.restore();
        logger.info(
          {
            entries,
            skipped,
            cases: ledger.size,
            waitingDeliveries: waiting.size,
            auditPartitions: heads.size,
          },
          'case state and audit chain heads restored',
        );
      },
    },
  });
}

/** Only the active instance ticks the clock (when `clockTickMs` > 0): standbys write nothing. */
function clockDuty({ config, logger, kafka, keys }: HubTransportParts) {
  let ticker: ClockTicker | undefined;
  return {
    start: async () => {
      if (config.clockTickMs === 0) return;
      ticker = new ClockTicker(
        kafka,
        config.topics.clock,
        keys.recordMac,
        config.clockTickMs,
        logger,
      );
      await ticker.start();
    },
    stop: async () => ticker?.stop(),
  };
}
