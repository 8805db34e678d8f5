import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { AuditChainLinker } from '@samenloop/audit';
import { CaseLedger } from '@samenloop/case';
import { ContractValidator } from '@samenloop/contracts';
import { createKafka, ensureTopics, keyPartition } from '@samenloop/messaging';
import { TransactionalKafkaServer } from '@samenloop/messaging/nest';
import type { Logger } from '@samenloop/observability';
import { PartnerRegistry } from '@samenloop/partners';
import { readAuditChainHeads } from '../audit/audit-chain-heads.reader';
import { CaseStateTopic } from '../cases/case-state.topic';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { createHubHandlers } from '../hub-handlers';
import { loadHubKeys } from '../keys/hub-keys.loader';
import { ROOT_LOGGER } from '../logging';
import { PolicyHolder } from '../policy/policy-holder';
import type { HubKeys } from '../keys/hub-keys';
import { hubTopics } from '../topics/hub-topics';
import { WaitingDeliveries } from '../waiting/waiting-deliveries';
import { hubTransport } from './hub-transport';
import { HUB_HANDLERS, HUB_KAFKA, HUB_KEYS } from './hub.tokens';

/**
 * The hub's parts, each built once at start-up from the configuration. Start-up checks run in
 * the order operators know: the policy, then the keys, then the topics — a provider that waits for
 * an earlier check without using it says so.
 */
export const hubProviders: Provider[] = [
  {
    provide: PartnerRegistry,
    inject: [GATEWAY_CONFIG],
    useFactory: (config: GatewayConfig) =>
      PartnerRegistry.fromYaml(
        readFileSync(config.partnersFile, 'utf8'),
        path.basename(config.partnersFile),
      ),
  },
  { provide: ContractValidator, useFactory: () => new ContractValidator() },
  {
    provide: PolicyHolder,
    inject: [GATEWAY_CONFIG, PartnerRegistry, ContractValidator, ROOT_LOGGER],
    useFactory: (
      config: GatewayConfig,
      registry: PartnerRegistry,
      validator: ContractValidator,
      logger: Logger,
    ) =>
      PolicyHolder.start({
        policyDirectory: config.policyDirectory,
        testsDirectory: config.policyTestsDirectory,
        schemasDirectory: config.schemasDirectory,
        registry,
        validator,
        logger,
      }),
  },
  {
    provide: HUB_KEYS,
    // After the policy (unused here): a bad policy is reported before missing keys.
    inject: [GATEWAY_CONFIG, PartnerRegistry, ROOT_LOGGER, PolicyHolder],
    useFactory: (config: GatewayConfig, registry: PartnerRegistry, logger: Logger) =>
      loadHubKeys(config, registry, logger),
  },
  {
    provide: HUB_KAFKA,
    // After the keys (unused here): the broker is the last thing a start-up waits for.
    inject: [GATEWAY_CONFIG, PartnerRegistry, ROOT_LOGGER, HUB_KEYS],
    useFactory: async (config: GatewayConfig, registry: PartnerRegistry, logger: Logger) => {
      const kafka = createKafka(config.kafka, logger);
      await ensureTopics(
        kafka,
        hubTopics(config.topics, registry.partners, config.maxMessageBytes, config.retention),
      );
      return kafka;
    },
  },
  {
    provide: CaseStateTopic,
    inject: [GATEWAY_CONFIG, HUB_KEYS, ROOT_LOGGER],
    useFactory: (config: GatewayConfig, keys: HubKeys, logger: Logger) =>
      new CaseStateTopic(
        config.topics.caseState,
        keys.pseudonyms,
        keys.stateSeal,
        keys.recordMac,
        logger,
        { migrateClearState: config.migrateClearCaseState },
      ),
  },
  {
    provide: CaseLedger,
    inject: [CaseStateTopic],
    useFactory: (caseState: CaseStateTopic) =>
      new CaseLedger({ referenceKey: caseState.referenceKey }),
  },
  {
    provide: WaitingDeliveries,
    inject: [GATEWAY_CONFIG],
    useFactory: (config: GatewayConfig) => new WaitingDeliveries(config.topics.waitingDeliveries),
  },
  {
    provide: AuditChainLinker,
    inject: [GATEWAY_CONFIG, HUB_KAFKA],
    useFactory: (config: GatewayConfig, kafka: Kafka) =>
      new AuditChainLinker({
        auditTopic: config.topics.audit,
        partitionOf: keyPartition,
        readHeads: () => readAuditChainHeads(kafka, config.topics.audit),
      }),
  },
  {
    provide: HUB_HANDLERS,
    inject: [
      GATEWAY_CONFIG,
      ROOT_LOGGER,
      PartnerRegistry,
      ContractValidator,
      PolicyHolder,
      CaseLedger,
      HUB_KEYS,
      WaitingDeliveries,
    ],
    useFactory: (
      config: GatewayConfig,
      logger: Logger,
      registry: PartnerRegistry,
      validator: ContractValidator,
      policy: PolicyHolder,
      ledger: CaseLedger,
      keys: HubKeys,
      waiting: WaitingDeliveries,
    ) =>
      createHubHandlers({
        registry,
        validator,
        policy: policy.current,
        ledger,
        keys,
        waiting,
        hubOin: config.hubOin,
        maxMessageBytes: config.maxMessageBytes,
        alarmSettings: config.alarms,
        closedCaseRetentionMs: config.closedCaseRetentionMs,
        topics: config.topics,
        logger,
      }),
  },
  {
    provide: TransactionalKafkaServer,
    inject: [
      GATEWAY_CONFIG,
      ROOT_LOGGER,
      HUB_KAFKA,
      PartnerRegistry,
      HUB_KEYS,
      CaseStateTopic,
      CaseLedger,
      WaitingDeliveries,
      AuditChainLinker,
    ],
    useFactory: (
      config: GatewayConfig,
      logger: Logger,
      kafka: Kafka,
      registry: PartnerRegistry,
      keys: HubKeys,
      caseState: CaseStateTopic,
      ledger: CaseLedger,
      waiting: WaitingDeliveries,
      auditChain: AuditChainLinker,
    ) =>
      hubTransport({
        config,
        logger,
        kafka,
        registry,
        keys,
        caseState,
        ledger,
        waiting,
        auditChain,
      }),
  },
];
