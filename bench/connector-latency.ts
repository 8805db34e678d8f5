import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConnectorProcess } from '../test/support/connector-process';
import { createConnectorCredentials } from '../test/support/connector-credentials';
import { ZORGMELDING_FOR_VT, ZORGMELDING_RECIPIENT, signedSubmissions } from './bench-submissions';
import type { HubLoadFigures, HubUnderLoad } from './hub-under-load';
import { percentiles, type LatencyPercentiles } from './load-generator';

const ROOT = path.resolve(__dirname, '..');
/** How often VT's case system asks its connector for what is new. */
const POLL_MS = 10;

export interface ConnectorLatency {
  readonly messages: number;
  readonly offeredPerSecond: number;
  /**
   * POST to the police connector until VT's connector lists the delivery; `submitMs` the POST
   * alone, `toHubDeliveryMs` until the hub stamped the delivery (`deliveredAt`): the police's side
   * and the hub, the rest is VT's connector and its case system's polling.
   */
  readonly throughConnectors: {
    readonly arrivals: number;
    readonly latencyMs: LatencyPercentiles;
    readonly submitMs: LatencyPercentiles;
    readonly toHubDeliveryMs: LatencyPercentiles;
  };
  /** The same zorgmelding sealed and produced by the police itself, until it is on VT's delivery topic. */
  readonly direct: HubLoadFigures;
}

/**
 * Submit-to-receive latency through two partner connectors against the direct Kafka path, on the
 * same hub in the same run: POLITIE-OB's case system POSTs zorgmeldingen to its connector at a
 * steady rate while VT-ZOB's case system polls its own connector's `GET /v1/ontvangen`; then the
 * police seals and produces the same zorgmeldingen itself and their arrival on VT-ZOB's delivery
 * topic is noted. Runs before the hub's load phases, so nothing else is on VT-ZOB's topic.
 */
export async function measureConnectorLatency(
  hub: HubUnderLoad,
  { messages, perSecond }: { messages: number; perSecond: number },
): Promise<ConnectorLatency> {
  const credentials = await createConnectorCredentials();
  // mTLS, as `npm start` runs them; the case systems keep their connections, as real ones would.
  const police = await ConnectorProcess.create(hub.scenario, 'POLITIE-OB', credentials, {
    mode: 'mtls',
  });
  const veiligThuis = await ConnectorProcess.create(
    hub.scenario,
    ZORGMELDING_RECIPIENT,
    credentials,
    { mode: 'mtls' },
  );
  await Promise.all([police.start(), veiligThuis.start()]);
  let throughConnectors;
  try {
    throughConnectors = await submitAndReceive(police, veiligThuis, messages, perSecond);
  } finally {
    await Promise.all([police.kill('SIGTERM'), veiligThuis.kill('SIGTERM')]);
  }
  const records = await signedSubmissions(hub.scenario.partners, ZORGMELDING_FOR_VT, messages);
  const direct = await hub.offer(records, perSecond, 1);
  return { messages, offeredPerSecond: perSecond, throughConnectors, direct };
}

async function submitAndReceive(
  police: ConnectorProcess,
  veiligThuis: ConnectorProcess,
  messages: number,
  perSecond: number,
): Promise<ConnectorLatency['throughConnectors']> {
  const fixture = JSON.parse(
    readFileSync(path.join(ROOT, 'schemas', ZORGMELDING_FOR_VT), 'utf8'),
  ) as { data: { occurredAt: string; payload: Record<string, unknown> } };
  const sender = police.client({ keepAlive: true });
  const receiver = veiligThuis.client({ keepAlive: true });
  const sentAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const deliveredAt = new Map<string, number>();
  const submitMs: number[] = [];

  let receiving = true;
  const polling = (async () => {
    let cursor: string | undefined;
    while (receiving) {
      const query = cursor === undefined ? '' : `?na=${encodeURIComponent(cursor)}&limiet=100`;
      const { body } = await receiver.call<{
        items: {
          cursor: string;
          type: string;
          document: { traceparent?: string; deliveredAt?: string };
        }[];
      }>('GET', `/v1/ontvangen${query}`);
      for (const item of body.items) {
        const traceId = item.document.traceparent?.split('-')[1];
        if (item.type === 'delivery' && traceId && !arrivedAt.has(traceId)) {
          arrivedAt.set(traceId, Date.now());
          deliveredAt.set(traceId, Date.parse(item.document.deliveredAt ?? ''));
        }
        cursor = item.cursor;
      }
      if (body.items.length === 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  })();

  const started = Date.now();
  for (let index = 0; index < messages; index++) {
    const due = started + (index * 1000) / perSecond;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const traceId = randomBytes(16).toString('hex');
    sentAt.set(traceId, Date.now());
    const answer = await sender.submit(
      {
        type: 'zorgmelding',
        occurredAt: fixture.data.occurredAt,
        zaakReferenties: {
          politieRegistratienummer: `PL2100-${String(9_000_000_000 + index)}`,
        },
        payload: fixture.data.payload,
      },
      traceId,
      { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    );
    submitMs.push(Date.now() - sentAt.get(traceId)!);
    if (answer.status !== 202)
      throw new Error(
        `the police connector answered ${answer.status}: ${JSON.stringify(answer.body)}`,
      );
  }
  const deadline = Date.now() + 120_000 + messages * 50;
  while (arrivedAt.size < messages && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  receiving = false;
  await polling;
  sender.close();
  receiver.close();
  const since = (at: ReadonlyMap<string, number>) =>
    [...sentAt].flatMap(([traceId, sent]) => {
      const until = at.get(traceId);
      return until === undefined || Number.isNaN(until) ? [] : [until - sent];
    });
  const latencies = since(arrivedAt);
  return {
    arrivals: latencies.length,
    latencyMs: percentiles(latencies),
    submitMs: percentiles(submitMs),
    toHubDeliveryMs: percentiles(since(deliveredAt)),
  };
}
