import { Worker } from 'node:worker_threads';
import type { CoreConfig, ReadRunner } from '../context.ts';
import { DomainError } from '../shared/errors.ts';
import type { ReadReply, ReadRequest, WorkerInit, WireError } from './read-wire.ts';

export interface ReadThreadOptions {
  /** The database the server writes; the thread opens its own read-only connection to it. */
  url: string;
  config: CoreConfig;
  /** PostgreSQL: the thread's pool. */
  poolSize?: number;
  /** Runs a job on the server's own connection: for the jobs of a thread that died, and after close(). */
  inline: (job: string, args: unknown, now: number) => Promise<unknown>;
  /** The thread failed to start (`restarts` false: reads stay inline) or died (its jobs ran inline; the next job starts a new thread). */
  onError?: (err: unknown, restarts: boolean) => void;
}

interface Pending {
  job: string;
  args: unknown;
  now: number;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const ENTRY = new URL('./read-thread.worker.ts', import.meta.url).href;
// Node 20 does not pass the process's module hooks (tsx, which runs the TypeScript) to a worker:
// the worker registers them itself before it imports its entry.
const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})();
`;

function tsxApiUrl(): string | undefined {
  if (!ENTRY.endsWith('.ts')) return undefined;
  return import.meta.resolve('tsx/esm/api');
}

/** An error as the worker sent it: a DomainError again (the API's 4xx), else an Error with its code. */
export function errorFromWire(e: WireError): Error {
  if (e.name === 'DomainError' && e.code) return new DomainError(e.code, e.message, e.status as DomainError['status'], e.details);
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code) err.code = e.code;
  if (e.stack) err.stack = `${e.stack}\n    (on the read thread)`;
  return err;
}

/**
 * A worker thread with its own read-only connection that runs long reads (reads/jobs.ts) off the
 * event loop. On SQLite every statement runs on the thread that calls it: a 90-day dashboard
 * by agent (~260 ms at 1M cases) on the server's thread would hold every intake and every other
 * request for as long. Started at the first job, not with the server: it costs
 * ~55 MB of RSS, which a node that serves no dashboard need not carry; the first dashboard waits
 * ~1 s for it. Jobs run one after another on it.
 */
export class ReadThread implements ReadRunner {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** a thread died before it opened its connection: it cannot start here, reads stay inline */
  private broken = false;
  private ready = false;
  /** set by close() while jobs are in flight: ends the thread after the last answer */
  private onIdle: (() => void) | null = null;

  constructor(private readonly opts: ReadThreadOptions) {}

  run(job: string, args: unknown, now: number): Promise<unknown> {
    if (this.closed || this.broken) return this.opts.inline(job, args, now);
    const w = this.worker ?? this.spawn();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { job, args, now, resolve, reject });
      w.ref();
      w.postMessage({ id, job, args, now } satisfies ReadRequest);
    });
  }

  /** Jobs started on the thread and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Ends the thread (after the jobs in flight); later jobs run inline. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    if (!w) return;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      w.once('exit', done);
      if (this.pending.size === 0) w.postMessage({ close: true } satisfies ReadRequest);
      else this.onIdle = () => w.postMessage({ close: true } satisfies ReadRequest);
      setTimeout(() => void w.terminate(), 5000).unref();
    });
    this.worker = null;
  }

  private spawn(): Worker {
    const init: WorkerInit = { url: this.opts.url, config: this.opts.config, poolSize: this.opts.poolSize ?? 2, entry: ENTRY, tsx: tsxApiUrl() };
    const w = new Worker(BOOT, { eval: true, workerData: init });
    this.worker = w;
    this.ready = false;
    w.on('message', (m: ReadReply) => {
      if ('ready' in m) {
        this.ready = true;
        return;
      }
      if ('fatal' in m) {
        this.failed(w, errorFromWire(m.fatal));
        void w.terminate();
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(errorFromWire(m.error));
      if (this.pending.size === 0) {
        w.unref();
        this.onIdle?.();
        this.onIdle = null;
      }
    });
    w.on('error', (err) => this.failed(w, err instanceof Error ? err : new Error(`the read thread failed: ${JSON.stringify(err)}`)));
    w.on('exit', (code) => this.failed(w, new Error(`the read thread stopped (exit code ${code})`)));
    return w;
  }

  /** The thread died: its jobs run again here (they only read), the next job starts a new thread. */
  private failed(w: Worker, err: unknown): void {
    if (this.worker !== w) return;
    this.worker = null;
    if (!this.ready && !this.closed) this.broken = true;
    const jobs = [...this.pending.values()];
    this.pending.clear();
    if (this.closed && jobs.length === 0) return;
    this.opts.onError?.(err, !this.broken);
    for (const p of jobs) this.opts.inline(p.job, p.args, p.now).then(p.resolve, p.reject);
  }
}
