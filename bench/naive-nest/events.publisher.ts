import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';

/** Publishes to RabbitMQ after the commit and waits for the broker's confirm. No outbox: a crash in between loses it. */
@Injectable()
export class EventsPublisher implements OnModuleInit, OnModuleDestroy {
  private connection!: ChannelModel;
  private channel!: ConfirmChannel;
  private readonly exchange = process.env.AMQP_EXCHANGE ?? 'customerflow.events';

  async onModuleInit(): Promise<void> {
    this.connection = await connect(process.env.AMQP_URL ?? 'amqp://localhost', { noDelay: true });
    this.channel = await this.connection.createConfirmChannel();
    await this.channel.checkExchange(this.exchange); // declared by whoever owns the topology
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection?.close();
  }

  publish(routingKey: string, event: object): Promise<void> {
    return new Promise((resolve, reject) => {
      this.channel.publish(
        this.exchange,
        routingKey,
        Buffer.from(JSON.stringify(event)),
        { persistent: true, contentType: 'application/json' },
        (error: unknown) =>
          error ? reject(error instanceof Error ? error : new Error('nacked by the broker')) : resolve(),
      );
    });
  }
}
