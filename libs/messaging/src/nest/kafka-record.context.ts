import { BaseRpcContext } from '@nestjs/microservices';

type KafkaRecordContextArgs = [topic: string, partition: number, offset: string];

/** Where the record a handler is given came from, for `@Ctx()`; the record itself is `@Payload()`. */
export class KafkaRecordContext extends BaseRpcContext<KafkaRecordContextArgs> {
  getTopic(): string {
    return this.args[0];
  }

  getPartition(): number {
    return this.args[1];
  }

  getOffset(): string {
    return this.args[2];
  }
}
