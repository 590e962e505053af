import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDueTimers } from '../../src/core/modules/commitments/index.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { COPY_MARK, REUSE_MARK } from '../../src/core/db/fast-insert.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { DIALECTS } from '../helpers/db.ts';

const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const CASES = 7;

/**
 * Batches smaller than a case's due timers: a page of candidates ends in the middle of a case,
 * and on PostgreSQL the next batch starts while the one before is still writing. One sweep must
 * still handle every due timer of every case, each once.
 */
describe.each(DIALECTS)('timer sweep in small batches on %s', (dialect) => {
  let t: TestApp;
  const statements: string[] = [];
  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true, onQuery: (sql) => void statements.push(sql) });
  });
  afterAll(async () => t?.close());

  it('handles every due timer once when batches split cases', async () => {
    const clock = t.clock as ManualClock;
    clock.set(sh('2026-11-23T09:00:00'));
    const ids: string[] = [];
    for (let n = 0; n < CASES; n++) {
      const r = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: `客户${n}`, phone: `139000000${String(n).padStart(2, '0')}` }, subject: '咨询', description: '营业时间' });
      expect(r.statusCode, r.body).toBe(201);
      ids.push((r.json() as { id: string }).id);
    }
    clock.set(sh('2026-12-07T12:00:00')); // two weeks on: every commitment of every case is overdue
    const due = await t.ctx.db.selectFrom('case_targets').select(['id', 'case_id']).where('next_check_at', 'is not', null).execute();
    expect(new Set(due.map((d) => d.case_id)).size).toBe(CASES);
    expect(due.length).toBeGreaterThan(CASES * 2); // several timers a case

    statements.length = 0;
    // the event loop turns while the sweep runs (between its batches on SQLite, which does not
    // wait for I/O), so requests are answered during a long sweep
    let turns = 0;
    let sweeping = true;
    const turn = () => {
      turns++;
      if (sweeping) setImmediate(turn);
    };
    setImmediate(turn);
    const r = await sweepDueTimers(t.ctx, { batchSize: 2 }).finally(() => (sweeping = false));
    expect(turns).toBeGreaterThanOrEqual(Math.ceil(due.length / 2) - 1);
    expect(r.breaches).toBe(due.length);
    // SQLite: the sweep's chunks of rows are marked, so that their long statements compile once;
    // PostgreSQL: they go in by COPY
    const inserts = statements.filter((s) => /(insert into|copy) "(case_events|case_escalations|remedies|outbox)"/.test(s));
    expect(inserts.length).toBeGreaterThan(0);
    for (const s of inserts) expect(s.startsWith(dialect === 'sqlite' ? REUSE_MARK : COPY_MARK)).toBe(true);
    const left = await t.ctx.db.selectFrom('case_targets').select('id').where('next_check_at', 'is not', null).execute();
    expect(left).toEqual([]);
    const breaches = await t.ctx.db.selectFrom('case_events').select('data').where('type', '=', 'sla_breach').where('case_id', 'in', ids).execute();
    const breached = breaches.map((b) => (JSON.parse(b.data!) as { targetId: string }).targetId).sort();
    expect(breached).toEqual(due.map((d) => d.id).sort());
    // each case climbs one level per breach, each level once, up to the directors
    const esc = await t.ctx.db.selectFrom('case_escalations').select(['case_id', 'level']).where('case_id', 'in', ids).execute();
    for (const id of ids) {
      const levels = esc.filter((e) => e.case_id === id).map((e) => e.level).sort();
      expect(levels).toEqual([...new Set(levels)]);
      expect(levels.length).toBeGreaterThan(0);
    }
    // analytics counts each of them as escalated (one statement inserted several escalations)
    const marked = await t.ctx.db.selectFrom('case_metrics').select(['case_id', 'escalated']).where('case_id', 'in', ids).execute();
    expect(marked.map((m) => [m.case_id, m.escalated]).sort()).toEqual(ids.map((id) => [id, 1]).sort());
    expect(await sweepDueTimers(t.ctx, { batchSize: 2 })).toMatchObject({ checked: 0, breaches: 0 });
  });
});
