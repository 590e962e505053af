import type { CoreConfig } from '../context.ts';

/** What the read thread is started with (workerData). */
export interface WorkerInit {
  url: string;
  config: CoreConfig;
  poolSize: number;
  /** the worker's module */
  entry: string;
  /** tsx's module-hooks API, when the entry is TypeScript */
  tsx: string | undefined;
}

export type ReadRequest = { id: number; job: string; args: unknown; now: number } | { close: true };

export interface WireError {
  name: string;
  message: string;
  code?: string | undefined;
  status?: number | undefined;
  details?: unknown;
  stack?: string | undefined;
}

/** A job's answer; `ready`: the thread opened its connection; `fatal`: it could not. */
export type ReadReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError } | { ready: true } | { fatal: WireError };

/** An error as it crosses to the server's thread: its name, message, code, status and details. */
export function wireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const e = err as Error & { code?: unknown; status?: unknown; details?: unknown };
  let details: unknown;
  try {
    details = e.details === undefined ? undefined : structuredClone(e.details);
  } catch {
    details = undefined;
  }
  return {
    name: e.name,
    message: e.message,
    code: typeof e.code === 'string' ? e.code : undefined,
    status: typeof e.status === 'number' ? e.status : undefined,
    details,
    stack: e.stack,
  };
}
