/**
 * PostgreSQL's side of a load step that the CPU figures do not show: the WAL it wrote, and how
 * much of the step ran beside a checkpoint. Intake writes ~12 KB of WAL a case, so a load section
 * reaches max_wal_size's trigger within a minute, and the checkpoint that follows (its spread
 * writes, and a full-page image in the WAL at the first change of each page after it starts)
 * shares the one disk with the commits: a step's tail is read beside it.
 */
import type pg from 'pg';

export interface PgWalSplit {
  /** WAL written during the step, bytes */
  walBytes: number;
  /**
   * share of the step's samples (every 200 ms) in which the checkpointer was in a checkpoint;
   * null when this role may not see other processes' wait events (pg_read_all_stats)
   */
  checkpointShare: number | null;
}

/** An LSN ("3/85348990") as a byte position. */
export const lsnBytes = (lsn: string): number => {
  const [hi, lo] = lsn.split('/');
  return parseInt(hi!, 16) * 2 ** 32 + parseInt(lo!, 16);
};

/**
 * Starts measuring on `client` (any connection of the server). The checkpointer waits in
 * 'CheckpointerMain' between checkpoints; in one it writes, syncs or waits in
 * 'CheckpointWriteDelay' (a spread checkpoint's pause).
 */
export async function pgWalMeter(client: pg.Client): Promise<{ stop(): Promise<PgWalSplit> }> {
  const lsn = async () => lsnBytes((await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn);
  const inCheckpoint = async () =>
    (await client.query<{ busy: boolean }>("SELECT wait_event IS DISTINCT FROM 'CheckpointerMain' AS busy FROM pg_stat_activity WHERE backend_type = 'checkpointer'")).rows[0]?.busy ?? false;
  // without pg_read_all_stats (superusers have it) another process's wait event reads as null
  const visible = (await client.query<{ ok: boolean }>("SELECT pg_has_role('pg_read_all_stats', 'USAGE') AS ok")).rows[0]?.ok === true;
  const start = await lsn();
  let samples = 0;
  let busy = 0;
  let sampling = Promise.resolve();
  const sample = () =>
    inCheckpoint().then(
      (b) => {
        samples++;
        if (b) busy++;
      },
      () => undefined,
    );
  if (visible) await sample();
  // unref: a step that throws before stop() must not keep the process alive
  const timer = setInterval(() => {
    if (visible) sampling = sampling.then(sample);
  }, 200).unref();
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      if (visible) await sample();
      return { walBytes: (await lsn()) - start, checkpointShare: visible ? busy / Math.max(1, samples) : null };
    },
  };
}

/** A clause for a step's note: WAL a request, and the share of the step beside a checkpoint. */
export const pgWalNote = (w: PgWalSplit, requests: number): string =>
  `PostgreSQL WAL ${requests > 0 ? (w.walBytes / requests / 1024).toFixed(1) : '?'} KB a request, beside a checkpoint ${
    w.checkpointShare === null ? '? (the role lacks pg_read_all_stats)' : `${Math.round(w.checkpointShare * 100)}%`
  } of the step`;
