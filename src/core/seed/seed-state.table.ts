/**
 * What a seed (the demo) has done to this database: it loads in many transactions, so a load cut
 * short leaves part of it behind, and the next start must know that to start it over.
 */
export interface SeedStateTable {
  /** 'demo' */
  name: string;
  /** loading -> ready, or -> interrupted (stopped on purpose), or -> failed (an error); a stale 'loading' was killed. */
  state: 'loading' | 'ready' | 'interrupted' | 'failed';
  /** The end of the demo's history: everything the loader writes is dated at or before it. */
  started_at: number;
  /** Wall-clock ms of the loader's last sign of life (every few seconds while loading). */
  heartbeat_at: number;
  finished_at: number | null;
}
