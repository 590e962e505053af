import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import { DIALECTS, freshDatabaseUrl } from '../helpers/db.ts';

/**
 * The server as `npm start` runs it (src/cli/main.ts serve --demo), in its own process: the demo
 * loads in the background, a stop during the load ends cleanly and the next start loads it again
 * from scratch, the workers start once the demo is in, and a stop afterwards ends cleanly too.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CASES = 200;

interface Server {
  child: ChildProcess;
  output: () => string;
  waitFor: (text: string | RegExp, ms: number) => Promise<void>;
  exited: Promise<number | null>;
  /** The server's address, once it listens (it is started on port 0). */
  base: () => Promise<string>;
}

function serve(url: string): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo', '--demo-cases', String(CASES), '--db', url, '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', SMTP_URL: '', SL_TIMER_POLL_MS: '200', LOG_LEVEL: 'info', SL_WORKERS: '1' },
  });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (b: Buffer) => {
    out += b.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((res) =>
    child.on('exit', (code) => {
      res(code);
      for (const w of waiters.splice(0)) w(); // a waitFor fails at once instead of at its timeout
    }),
  );
  const has = (t: string | RegExp) => (typeof t === 'string' ? out.includes(t) : t.test(out));
  const waitFor = (text: string | RegExp, ms: number) =>
    new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no "${String(text)}" within ${ms} ms; output:\n${out.slice(-4000)}`)), ms);
      const check = () => {
        if (has(text)) {
          clearTimeout(timer);
          res();
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          rej(new Error(`the server exited (${child.exitCode}) before "${String(text)}"; output:\n${out.slice(-4000)}`));
        } else waiters.push(check);
      };
      check();
    });
  const base = async () => {
    const running = /ServiceLoop is running at (http:\/\/[\d.]+:\d+)/;
    await waitFor(running, 60_000);
    return running.exec(out)![1]!;
  };
  return { child, output: () => out, waitFor, exited, base };
}

async function stopped(s: Server, signal: NodeJS.Signals): Promise<number | null> {
  s.child.kill(signal);
  const timeout = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 20_000));
  const r = await Promise.race([s.exited, timeout]);
  if (r === 'timeout') {
    s.child.kill('SIGKILL');
    throw new Error(`the server did not stop within 20 s of ${signal}; output:\n${s.output().slice(-4000)}`);
  }
  return r;
}

describe.each(DIALECTS)('serve --demo on %s', (dialect) => {
  const running: Server[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await drop?.();
  });

  it('stops cleanly while the demo loads, loads it again on the next start, then serves and mails', { timeout: 150_000 }, async () => {
    const db = await freshDatabaseUrl(dialect);
    drop = db.drop;
    const first = serve(db.url);
    running.push(first);
    await first.waitFor('demo: demo organisation created', 60_000);
    expect(await stopped(first, 'SIGINT')).toBe(0);
    expect(first.output()).toContain('demo: stopped before it finished');
    expect(first.output()).not.toMatch(/destroyed|"level":50|demo: ready/);

    const second = serve(db.url);
    running.push(second);
    await second.waitFor('demo: ready', 120_000);
    expect(second.output()).toContain('the database was emptied to load it again');
    const base = await second.base();
    const health = await fetch(`${base}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('server-timing')).toMatch(/^app;dur=\d+\.\d$/); // the server's own time, for dev tools and the bench
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent@serviceloop.local', password: 'serviceloop-demo' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const contact = `serve-test-${dialect}@example.com`;
    const created = await fetch(`${base}/api/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ channel: 'email', contact: { name: '测试 Serve', email: contact }, subject: '洗衣机异响', description: '启动后有很大的异响' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    // the outbox worker runs (it starts after the demo): the acknowledgement is mailed (to the log)
    await second.waitFor(new RegExp(`${contact.replace(/[.]/g, '\\.')}[^\\n]*outbox: mail not sent`), 20_000);
    expect(second.output()).not.toMatch(/destroyed|"level":50/);
    // nothing was mailed while the demo loaded: its old notifications are marked sent, not delivered
    const out = second.output();
    expect(out.slice(0, out.indexOf('demo: ready'))).not.toContain('outbox: mail not sent');
    expect(await stopped(second, 'SIGTERM')).toBe(0);

    const { ctx, dbh } = await openCtx({ url: db.url, migrate: false });
    try {
      const n = await ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(CASES + 1); // the demo once, not a part of it twice
      const demo = await ctx.db.selectFrom('seed_state').select('state').where('name', '=', 'demo').executeTakeFirst();
      expect(demo?.state).toBe('ready');
    } finally {
      await dbh.close();
    }
  });
});

describe('serve with a bad setting in its environment', () => {
  it('stops before it opens the database, naming the variable, without a stack trace', { timeout: 90_000 }, async () => {
    const cases: Array<[Record<string, string>, string[], string]> = [
      [{ SL_TIMER_POLL_MS: 'fast' }, [], 'SL_TIMER_POLL_MS must be a number of milliseconds, 1 or more (got "fast")'],
      [{ SL_TIMER_BATCH: '0' }, [], 'SL_TIMER_BATCH must be a whole number, 1 or more (got "0")'],
      [{ SL_AUTH_CACHE_MS: '-1' }, [], 'SL_AUTH_CACHE_MS must be a number of milliseconds, 0 or more (got "-1")'],
      [{ SECURE_COOKIES: 'yes' }, [], 'SECURE_COOKIES must be 1 or 0 (true or false) (got "yes")'],
      [{ SL_WORKERS: 'off' }, [], 'SL_WORKERS must be 1 or 0 (true or false) (got "off")'],
      [{ LOG_LEVEL: 'loud' }, [], 'LOG_LEVEL must be one of silent, fatal, error, warn, info, debug, trace (got "loud")'],
      [{ PORT: 'abc' }, ['--db', 'sqlite:/nonexistent-dir/x.db'], 'PORT must be a port number, 0 to 65535 (got "abc")'],
      [{}, ['--db', 'sqlite:/nonexistent-dir/x.db', '--port', '99999'], '--port must be a port number, 0 to 65535 (got "99999")'],
    ];
    for (const [env, args, message] of cases) {
      // a database path that cannot be opened: the start must fail on the variable first
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...(args.length ? args : ['--db', 'sqlite:/nonexistent-dir/x.db', '--port', '0'])], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1', PORT: '', LOG_LEVEL: '', ...env },
      });
      let err = '';
      child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
      child.stdout!.resume();
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code, err).not.toBe(0);
      expect(err).toContain(message);
      expect(err, message).not.toMatch(/^\s+at /m);
      // as root the directory could be made: nothing may have been
      expect(existsSync('/nonexistent-dir'), message).toBe(false);
    }
  });

  it('refuses a database URL of a scheme it does not know, and creates nothing', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-scheme-'));
    try {
      for (const url of ['postgress://u@db.example:5432/prod', 'mysql://x']) {
        const child = spawn(process.execPath, [join(ROOT, 'bin/serviceloop.js'), 'audit', 'verify', '--db', url], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
        let err = '';
        child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
        child.stdout!.resume();
        const code = await new Promise<number | null>((r) => child.once('exit', r));
        expect(code, err).toBe(1);
        expect(err).toContain(`scheme "${url.split(':')[0]}:" is not one ServiceLoop knows`);
      }
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
