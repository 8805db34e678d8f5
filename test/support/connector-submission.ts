import type { Kafka } from 'kafkajs';
import type { Bericht } from '@samenloop/partner-side';
import type { GatewayScenario } from './gateway-scenario';
import { produce } from './kafka-test-kit';
import { policeNumber, submissionFrom } from './partner-kit';

const ZORGMELDING = 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json';

/** `POST /v1/berichten`'s body for a submission (a CloudEvent as in `schemas/`): the fields the case system gives. */
export function requestBody(submission: Record<string, unknown>): Bericht {
  const data = submission.data as Record<string, unknown>;
  return {
    type: String(submission.type).replace(/^nl\.samenloop\./, ''),
    occurredAt: data.occurredAt as string,
    zaakReferenties: data.zaakReferenties as Record<string, string>,
    ...(data.relatesTo !== undefined && { relatesTo: data.relatesTo as string[] }),
    payload: data.payload as Record<string, unknown>,
  };
}

/**
 * Police zorgmeldingen as the police's own system submits them, straight onto Kafka, one after
 * another, each its own case: what a connector then receives at VT. Their message ids.
 */
export async function zorgmeldingenOnKafka(
  kafka: Kafka,
  scenario: GatewayScenario,
  count: number,
): Promise<string[]> {
  const sent: string[] = [];
  for (let index = 0; index < count; index++) {
    const reference = policeNumber();
    const submission = submissionFrom(ZORGMELDING, {
      sender: 'POLITIE-OB',
      zaakReferenties: { politieRegistratienummer: reference },
    });
    sent.push(submission.id);
    await produce(kafka, scenario.topics.inbound('POLITIE-OB'), [
      await scenario.partners.sealed('POLITIE-OB', submission, reference),
    ]);
  }
  return sent;
}
