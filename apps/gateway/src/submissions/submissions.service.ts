import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AuditChainLinker } from '@samenloop/audit';
import { CaseLedger } from '@samenloop/case';
import { ContractValidator } from '@samenloop/contracts';
import {
  KafkaLease,
  TransactionalPipeline,
  createKafka,
  ensureTopics,
  keyPartition,
  type PipelineState,
} from '@samenloop/messaging';
import type { Logger } from '@samenloop/observability';
import { PartnerRegistry } from '@samenloop/partners';
import { readAuditChainHeads } from '../audit/audit-chain-heads.reader';
import { CaseStateTopic } from '../cases/case-state.topic';
import { recordKeyPseudonym } from '../routing/hub-keys';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { loadHubKeys } from '../keys/hub-keys.loader';
import { ROOT_LOGGER } from '../logging';
import { KafkaPolicyEvents } from '../policy/policy-events';
import { PolicyHolder } from '../policy/policy-holder';
import { ClockTicker } from '../clock/clock-ticker';
import { createHubHandlers } from '../hub-handlers';
import { hubTopics } from '../topics/hub-topics';
import { readStateTopic } from '../topics/compacted-topic.reader';
import { WaitingDeliveries } from '../waiting/waiting-deliveries';

/** Runs the policy gateway's pipeline over every partner's inbound topic for the application's lifetime. */
@Injectable()
export class SubmissionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private pipeline: TransactionalPipeline | undefined;
  private policy: PolicyHolder | undefined;
  private ticker: ClockTicker | undefined;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  get state(): PipelineState {
    return this.pipeline?.state ?? 'idle';
  }

  /** What /health reports: state, commit failure and restarts; undefined before the pipeline exists. */
  get health(): TransactionalPipeline['health'] | undefined {
    return this.pipeline?.health;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { config, logger } = this;
    const registry = PartnerRegistry.fromYaml(
      readFileSync(config.partnersFile, 'utf8'),
      path.basename(config.partnersFile),
    );
    const validator = new ContractValidator();
    this.policy = await PolicyHolder.start({
      policyDirectory: config.policyDirectory,
      testsDirectory: config.policyTestsDirectory,
      schemasDirectory: config.schemasDirectory,
      registry,
      validator,
      logger,
    });
    const keys = await loadHubKeys(config, registry, logger);
    const kafka = createKafka(config.kafka, logger);
    const { topics } = config;
    await ensureTopics(
      kafka,
      hubTopics(topics, registry.partners, config.maxMessageBytes, config.retention),
    );
    const caseState = new CaseStateTopic(
      topics.caseState,
      keys.pseudonyms,
      keys.stateSeal,
      keys.recordMac,
      logger,
      {
        migrateClearState: config.migrateClearCaseState,
      },
    );
    const ledger = new CaseLedger({ referenceKey: caseState.referenceKey });
    const waiting = new WaitingDeliveries(topics.waitingDeliveries);
    const handlers = createHubHandlers({
      registry,
      validator,
      policy: this.policy.current,
      ledger,
      keys,
      waiting,
      hubOin: config.hubOin,
      maxMessageBytes: config.maxMessageBytes,
      alarmSettings: config.alarms,
      closedCaseRetentionMs: config.closedCaseRetentionMs,
      topics,
      logger,
    });
    // The pipeline is the audit's single writer: every audit record is chained as its chunk is sent.
    const auditChain = new AuditChainLinker({
      auditTopic: topics.audit,
      partitionOf: keyPartition,
      readHeads: () => readAuditChainHeads(kafka, topics.audit),
    });
    this.pipeline = new TransactionalPipeline({
      kafka,
      logger,
      groupId: config.consumerGroupId,
      sessionTimeoutMs: config.sessionTimeoutMs,
      transactionalId: config.transactionalId,
      topics: [
        ...registry.partners.map((partner) => topics.inbound(partner.id)),
        topics.clock,
        topics.hubEvents,
      ],
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
      activeDuties: {
        start: async () => {
          if (config.clockTickMs === 0) return;
          this.ticker = new ClockTicker(
            kafka,
            topics.clock,
            keys.recordMac,
            config.clockTickMs,
            logger,
          );
          await this.ticker.start();
        },
        stop: async () => this.ticker?.stop(),
      },
      handler: handlers.handle,
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
    });
    await this.policy.watch(
      new KafkaPolicyEvents(kafka, {
        topics,
        instanceId: config.instanceId,
        mac: keys.recordMac,
      }),
    );
    await this.pipeline.start();
    logger.info(
      {
        partners: registry.partners.map((partner) => partner.id),
        policyVersion: this.policy.current().version,
      },
      'policy gateway consuming',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.policy?.close();
    await this.pipeline?.stop();
  }
}
