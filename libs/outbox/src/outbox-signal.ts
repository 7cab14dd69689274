/**
 * Wakes the relay right after a commit that wrote outbox rows, so a message leaves within milliseconds instead of
 * waiting for the next poll. Polling stays as the safety net (other processes' commits, lost wake-ups).
 */
export class OutboxSignal {
  private readonly listeners = new Set<() => void>();

  wake(): void {
    for (const listener of this.listeners) listener();
  }

  onWake(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
