/**
 * Feature flags through OpenFeature, so the file provider can be swapped for a flag service without touching the
 * code that asks. Each app instance gets its own OpenFeature domain (tests run several in one process).
 */
import { randomUUID } from 'node:crypto';
import { type DynamicModule, Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type Client, OpenFeature } from '@openfeature/server-sdk';
import { AppConfig } from '../config/app-config';
import { FileFlagProvider } from './file-flag.provider';

/** The flags the service knows, with the value that holds when the file does not say. */
export const Flags = {
  /** Off pauses customer writes (503 with Retry-After), e.g. during a database migration or an incident. */
  customerWrites: { key: 'customer-writes', fallback: true },
} as const;

@Injectable()
export class FeatureFlags implements OnApplicationShutdown {
  private readonly domain = `customerflow-${randomUUID()}`;
  private readonly client: Client;
  private readonly provider: FileFlagProvider;

  constructor(config: AppConfig) {
    this.provider = new FileFlagProvider(config.featureFlagsFile);
    OpenFeature.setProvider(this.domain, this.provider);
    this.client = OpenFeature.getClient(this.domain);
  }

  isEnabled(flag: { readonly key: string; readonly fallback: boolean }): Promise<boolean> {
    return this.client.getBooleanValue(flag.key, flag.fallback);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.provider.onClose();
  }
}

@Global()
@Module({ providers: [FeatureFlags], exports: [FeatureFlags] })
export class FeatureFlagsModule {
  static forRoot(): DynamicModule {
    return { module: FeatureFlagsModule };
  }
}
