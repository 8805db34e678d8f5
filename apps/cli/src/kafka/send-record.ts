import { Partitioners, type Kafka, type Message } from 'kafkajs';

/** Writes one record durably (idempotent producer, acks from all in-sync replicas). */
export async function sendRecord(kafka: Kafka, topic: string, message: Message): Promise<void> {
  const producer = kafka.producer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [message] });
  } finally {
    await producer.disconnect();
  }
}
