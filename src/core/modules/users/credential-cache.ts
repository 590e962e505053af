/**
 * What a credential resolved to, remembered for a moment so that a client sending many requests
 * with one API token does not cost a database round trip each (on PostgreSQL that lookup was a
 * sixth of the machine's CPU per intake request). A change this process makes to users or tokens
 * clears it at once; a change made by another process (a second app node, the CLI) is seen once
 * the entry is older than `ttlMs`. Unknown credentials are never remembered, so a new token works
 * at once and guessing cannot fill the memory.
 */
export class CredentialCache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  /** Bumped by clear(): a lookup read before a change must not remember what it read after it. */
  private gen = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly monotonicNow: () => number = () => performance.now(),
  ) {}

  get(key: string): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.monotonicNow() - e.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  get generation(): number {
    return this.gen;
  }

  /** `readAt` is the generation taken before the value was read from the database. */
  set(key: string, value: T, readAt: number): void {
    if (this.ttlMs <= 0 || readAt !== this.gen) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, at: this.monotonicNow() });
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
  }
}
