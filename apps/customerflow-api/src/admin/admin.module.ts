import { Module } from '@nestjs/common';
import { OutboxAdminController } from './outbox-admin.controller';

/**
 * The operators' endpoints under /v1/admin. The outbox operations come from the global OutboxModule, which the
 * app imports anyway. These endpoints carry no authentication of their own: expose them only on an internal
 * network, or behind the gateway's admin policy.
 */
@Module({ controllers: [OutboxAdminController] })
export class AdminModule {}
