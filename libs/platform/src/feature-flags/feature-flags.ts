/**
 * Feature flags through OpenFeature, so the file provider can be swapped for a flag service without touching the
 * code that asks. Each app instance gets its own OpenFeature domain (tests run several in one process).
 */
import { randomUUID } from 'node:crypto';
import { type DynamicModule, Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type Client, OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
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
  /**
   * Evaluations kept until the provider says its configuration changed. No flag here depends on an evaluation
   * context, so the answer only changes with the file, and every write would otherwise pay for an OpenFeature
   * evaluation (hooks, context merge, promises: about 70 µs of a registration's CPU).
   */
  private readonly evaluated = new Map<string, Promise<boolean>>();

  constructor(config: AppConfig) {
    this.provider = new FileFlagProvider(config.featureFlagsFile);
    OpenFeature.setProvider(this.domain, this.provider);
    this.client = OpenFeature.getClient(this.domain);
    this.client.addHandler(ProviderEvents.ConfigurationChanged, () => this.evaluated.clear());
  }

  isEnabled(flag: { readonly key: string; readonly fallback: boolean }): Promise<boolean> {
    let value = this.evaluated.get(flag.key);
    if (!value) {
      value = this.client.getBooleanValue(flag.key, flag.fallback);
      this.evaluated.set(flag.key, value);
    }
    return value;
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
