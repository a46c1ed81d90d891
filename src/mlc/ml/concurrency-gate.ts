/**
 * At most `limit` tasks at once; the rest wait their turn in call order. Bounds how many model
 * processes a burst of uploads can start (each may use up to its memory limit).
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // the slot passes straight to the next waiter, so `running` never drops below what runs
      if (next) next();
      else this.running--;
    }
  }
}
