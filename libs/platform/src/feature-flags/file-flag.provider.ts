/**
 * An OpenFeature provider backed by a JSON file (`FEATURE_FLAGS_FILE`): `{ "customer-writes": false, ... }`. The
 * file is re-read when it changes (a Kubernetes ConfigMap update included), and a file that does not parse keeps
 * the last good flags rather than switching everything back to defaults mid-incident.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { Logger } from '@nestjs/common';
import {
  ErrorCode,
  type JsonValue,
  OpenFeatureEventEmitter,
  ProviderEvents,
  type Provider,
  type ResolutionDetails,
  StandardResolutionReasons,
} from '@openfeature/server-sdk';

type FlagValues = Readonly<Record<string, JsonValue>>;

export class FileFlagProvider implements Provider {
  readonly metadata = { name: 'file' } as const;
  readonly runsOn = 'server' as const;
  /** Says ConfigurationChanged after each reload, so callers that cache an evaluation know to ask again. */
  readonly events = new OpenFeatureEventEmitter();
  private readonly logger = new Logger(FileFlagProvider.name);
  private flags: FlagValues = {};

  constructor(
    private readonly file: string | null,
    private readonly reloadIntervalMs = 1000,
  ) {
    if (!file) return;
    this.reload();
    watchFile(file, { interval: reloadIntervalMs, persistent: false }, () => this.reload());
  }

  onClose(): Promise<void> {
    if (this.file) unwatchFile(this.file);
    return Promise.resolve();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, 'boolean'));
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, 'string'));
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, 'number'));
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, 'object'));
  }

  private resolve<T>(flagKey: string, defaultValue: T, type: string): ResolutionDetails<T> {
    // A flag the file does not mention simply has its default: not an error (OpenFeature would log every evaluation).
    if (!(flagKey in this.flags)) return { value: defaultValue, reason: StandardResolutionReasons.DEFAULT };
    const value = this.flags[flagKey];
    if (typeof value !== type || value === null) {
      return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.TYPE_MISMATCH };
    }
    return { value: value as T, reason: StandardResolutionReasons.STATIC };
  }

  private reload(): void {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file!, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('the file must hold a JSON object of flag → value');
      this.flags = parsed as FlagValues;
      this.events.emit(ProviderEvents.ConfigurationChanged);
      this.logger.log(`feature flags loaded from ${this.file}: ${JSON.stringify(this.flags)}`);
    } catch (error) {
      this.logger.warn(
        `feature flags in ${this.file} not (re)loaded, keeping the previous ones: ${(error as Error).message}`,
      );
    }
  }
}
