import Database from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/core/modules/audit/index.ts';
import type { CaseHook } from '../../src/core/modules/cases/index.ts';
import { createApiToken } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS, type Dialect } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

const LOCK_TIMEOUT_MS = 600;

/**
 * Another session holds the write lock on the cases for longer than the lock timeout, as a
 * transaction left open in psql or sqlite3 would: intake answers 503 instead of hanging, saves
 * nothing of what it refused, and takes cases again once the lock is gone.
 */
describe.each(DIALECTS)('a lock held longer than the lock timeout on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { lockTimeoutMs: LOCK_TIMEOUT_MS, useTokens: true });
  });
  afterAll(async () => t?.close());

  const intake = (i: number, headers: Record<string, string> = {}) =>
    t.as(
      'agent',
      'POST',
      '/api/v1/cases',
      {
        channel: 'phone',
        contact: { name: `客户${i}`, phone: `1390000${String(i).padStart(4, '0')}` },
        subject: `咨询 ${i}`,
        description: '请问保修期多长',
      },
      headers,
    );

  /** Takes the lock from a connection of its own; returns its release. */
  async function holdWriteLock(d: Dialect): Promise<() => Promise<void>> {
    if (d === 'sqlite') {
      const other = new Database(t.url.replace(/^sqlite:/, ''));
      other.exec('BEGIN IMMEDIATE');
      return async () => {
        other.exec('ROLLBACK');
        other.close();
      };
    }
    const other = new pg.Client({ connectionString: t.url });
    await other.connect();
    await other.query('BEGIN');
    // blocks every insert into cases; reads go on
    await other.query('LOCK TABLE cases IN EXCLUSIVE MODE');
    return async () => {
      await other.query('ROLLBACK');
      await other.end();
    };
  }

  it('goes on reading; answers the intakes 503 database_busy within a lock timeout or two, keeps none of them, and takes cases again after', async () => {
    const first = await intake(0);
    expect(first.statusCode, first.body).toBe(201);

    // a token not used yet: its first use writes when it was used
    const fresh = (await createApiToken(t.ctx, t.seed.users.supervisor!.id, 'during the lock', null, systemActor('test'))).token;
    const release = await holdWriteLock(dialect);
    try {
      // the write of a credential's last use neither holds nor fails a read while the database is locked
      const before = performance.now();
      const read = await t.app.inject({ method: 'GET', url: '/api/v1/cases/counts', headers: { authorization: `Bearer ${fresh}` } });
      expect(read.statusCode, read.body).toBe(200);
      expect(performance.now() - before).toBeLessThan(LOCK_TIMEOUT_MS * 0.66);

      const started = performance.now();
      let settled = false;
      // the first of them as a client that sends it again after a 503 would
      const pending = Promise.all(Array.from({ length: 20 }, (_, i) => intake(i + 1, i === 0 ? { 'idempotency-key': 'call-1' } : {}))).then(
        (a) => ((settled = true), a),
      );
      // the queue's counts are read while the intakes wait for the lock (on SQLite the wait gives
      // the connection and the event loop to others between tries; a page of the queue is audited,
      // so on SQLite it would wait for the lock as well)
      await new Promise((r) => setTimeout(r, 50));
      const counts = await t.as('agent', 'GET', '/api/v1/cases/counts');
      const countsAt = performance.now() - started;
      expect(counts.statusCode, counts.body).toBe(200);
      expect((counts.json() as { byStatus: Record<string, number> }).byStatus.new).toBe(1);
      expect(settled).toBe(false);
      // not held for a lock timeout (SQLite's own busy handler would have stopped the thread)
      expect(countsAt).toBeLessThan(LOCK_TIMEOUT_MS * 0.66);
      const answers = await pending;
      const took = performance.now() - started;
      for (const r of answers) {
        expect(r.statusCode, r.body).toBe(503);
        expect(r.headers['retry-after']).toBe('1');
        expect((r.json() as { error: { code: string; message: string } }).error).toMatchObject({
          code: 'database_busy',
          message: expect.stringContaining('nothing of this request was saved'),
        });
      }
      // A batch that met the lock is refused whole. Run again one request at a time, each of the
      // 20 would wait out the lock in turn: 20 lock timeouts at least.
      expect(took).toBeLessThan(10 * LOCK_TIMEOUT_MS);
    } finally {
      await release();
    }

    const after = await intake(99);
    expect(after.statusCode, after.body).toBe(201);
    // sent again with its Idempotency-Key: nothing of the refused one was kept, so it is created now, once
    const again = await intake(1, { 'idempotency-key': 'call-1' });
    expect(again.statusCode, again.body).toBe(201);
    const replayed = await intake(1, { 'idempotency-key': 'call-1' });
    expect((replayed.json() as { id: string }).id).toBe((again.json() as { id: string }).id);
    const subjects = await t.ctx.db.selectFrom('cases').select('subject').orderBy('subject').execute();
    expect(subjects.map((c) => c.subject)).toEqual(['咨询 0', '咨询 1', '咨询 99']);
    expect(await verifyAuditChain(t.ctx)).toMatchObject({ ok: true });
  });
});

/**
 * PostgreSQL ends the server's connections in the middle of an intake batch (a restart, an
 * administrator's pg_terminate_backend): the requests of that batch are answered 503, the server
 * goes on, and the next intakes are taken on new connections.
 */
describe('connections ended in the middle of an intake batch on postgres', () => {
  let t: TestApp;
  let admin: pg.Client;
  let armed = false;
  const cutWhileWriting: CaseHook = {
    name: 'cut-while-writing',
    async onCreated(_ctx, _trx, c) {
      if (!armed || c.subject !== 'cut') return;
      armed = false;
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    },
  };
  beforeAll(async () => {
    t = await makeTestApp('postgres', { useTokens: true, caseHooks: [cutWhileWriting] });
    admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  const intake = (subject: string) =>
    t.as('agent', 'POST', '/api/v1/cases', { channel: 'web', contact: { name: subject, email: `${subject}@example.com` }, subject, description: '请问保修期多长' });

  it('answers 503 database_unavailable to that batch, saves none of it, and takes the next intakes', async () => {
    expect((await intake('before')).statusCode).toBe(201);
    armed = true;
    const subjects = ['a', 'b', 'cut', 'c', 'd'];
    const answers = await Promise.all(subjects.map(intake));
    const cut = answers[2]!;
    expect(cut.statusCode, cut.body).toBe(503);
    expect((cut.json() as { error: { code: string } }).error.code).toBe('database_unavailable');
    expect(cut.headers['retry-after']).toBe('1');
    // the others were in that batch (503) or in one of their own before or after it (201); none is a 500
    for (const r of answers) expect([201, 503], r.body).toContain(r.statusCode);

    const after = await intake('after');
    expect(after.statusCode, after.body).toBe(201);
    const saved = new Set((await t.ctx.db.selectFrom('cases').select('subject').execute()).map((c) => c.subject));
    const acknowledged = ['before', ...subjects.filter((_, i) => answers[i]!.statusCode === 201), 'after'];
    expect([...saved].sort()).toEqual(acknowledged.sort());
    expect(await verifyAuditChain(t.ctx)).toMatchObject({ ok: true });
  });
});

/**
 * The disk fills under SQLite (a database limited to the pages it has stands in for it): intake
 * answers 503, keeps nothing it refused, and takes cases again once there is room.
 */
describe('the disk full under sqlite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp('sqlite', { useTokens: true });
  });
  afterAll(async () => t?.close());

  const intake = (subject: string, description: string) =>
    t.as('agent', 'POST', '/api/v1/cases', { channel: 'email', contact: { name: '林女士', email: 'lin@example.com' }, subject, description });
  const pragma = async (p: string) => (await sql.raw(`pragma ${p}`).execute(t.ctx.db)).rows[0] as Record<string, number> | undefined;

  it('answers 503 database_unavailable while no page can be added, and 201 again after', async () => {
    expect((await intake('之前', '请问保修期多长')).statusCode).toBe(201);
    const pages = Object.values((await pragma('page_count'))!)[0]!;
    const free = Object.values((await pragma('freelist_count'))!)[0]!;
    await pragma(`max_page_count = ${pages}`);
    // 18,000 characters (~54 KB) need new pages beyond the few free ones
    expect(free).toBeLessThan(10);
    const full = await intake('磁盘满', '热水器漏水，'.repeat(3_000));
    expect(full.statusCode, full.body).toBe(503);
    expect((full.json() as { error: { code: string } }).error.code).toBe('database_unavailable');

    await pragma(`max_page_count = ${pages * 100}`);
    expect((await intake('之后', '热水器漏水，'.repeat(3_000))).statusCode).toBe(201);
    const subjects = (await t.ctx.db.selectFrom('cases').select('subject').orderBy('subject').execute()).map((c) => c.subject);
    expect(subjects.sort()).toEqual(['之前', '之后'].sort());
  });
});
