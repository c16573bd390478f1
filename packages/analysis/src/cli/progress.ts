/** A one-line progress bar on a TTY; on anything else, a line every 10 %. */
export class ProgressBar {
  private lastShown = -1;
  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
  ) {}

  update(done: number): void {
    const share = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const percent = Math.floor(share * 100);
    if (this.out.isTTY) {
      if (percent === this.lastShown) return;
      const width = 30;
      const filled = Math.round(share * width);
      this.out.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)} %`,
      );
    } else {
      if (Math.floor(percent / 10) === Math.floor(this.lastShown / 10)) return;
      this.out.write(`${this.label}: ${percent} %\n`);
    }
    this.lastShown = percent;
  }

  done(): void {
    if (this.out.isTTY && this.lastShown >= 0) this.out.write('\n');
  }
}
