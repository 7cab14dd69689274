/**
 * The one progress line on stderr: rewritten in place on a terminal, so a run shows where it is without scrolling;
 * when stderr is a file or a pipe, one line per step instead (no carriage-return soup in CI logs).
 */
export class Progress {
  private readonly started = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);
  private step = '';
  private lastLength = 0;

  /** Starts a step: `register · service`. */
  begin(step: string): void {
    this.step = step;
    if (this.tty) this.show('');
    else process.stderr.write(`[bench ${this.clock()}] ${step}\n`);
  }

  /** Updates the detail of the current step (only shown on a terminal). */
  update(detail: string): void {
    if (this.tty) this.show(detail);
  }

  /** A line that stays (a warning, a skipped scenario). */
  note(text: string): void {
    this.clear();
    process.stderr.write(`[bench ${this.clock()}] ${text}\n`);
    if (this.tty && this.step) this.show('');
  }

  done(): void {
    this.clear();
    process.stderr.write(`[bench ${this.clock()}] done\n`);
  }

  private show(detail: string): void {
    const columns = process.stderr.columns || 120;
    const line = `[bench ${this.clock()}] ${this.step}${detail ? ` · ${detail}` : ''}`.slice(0, columns - 1);
    process.stderr.write(`\r${line}${' '.repeat(Math.max(0, this.lastLength - line.length))}`);
    this.lastLength = line.length;
  }

  private clear(): void {
    if (!this.tty || this.lastLength === 0) return;
    process.stderr.write(`\r${' '.repeat(this.lastLength)}\r`);
    this.lastLength = 0;
  }

  private clock(): string {
    const s = Math.floor((Date.now() - this.started) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }
}
