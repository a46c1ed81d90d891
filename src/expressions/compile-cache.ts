import { MAX_CACHE_ENTRIES } from './limits.js';

/** A Map bounded to MAX_CACHE_ENTRIES; the oldest entry goes first when full. */
export class CompileCache<T> {
  private readonly entries = new Map<string, T>();

  get(source: string): T | undefined {
    return this.entries.get(source);
  }

  set(source: string, value: T): void {
    if (this.entries.size >= MAX_CACHE_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(source, value);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
