import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import { createCase } from '../../src/core/modules/cases/index.ts';
import { seedBase } from '../../src/core/seed/base-seed.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { freshDatabaseUrl } from '../helpers/db.ts';

const CASES = 120;
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/**
 * Two ServiceLoop processes on one PostgreSQL database, both running the timer worker in small
 * batches: every breach and escalation of every case must be written exactly once.
 */
describe('timer worker across two app processes on one PostgreSQL', () => {
  const procs: ChildProcess[] = [];
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const p of procs) p.kill('SIGTERM');
    for (const f of cleanup.reverse()) await f();
  });

  it('writes each warning, breach and escalation exactly once', async () => {
    const { url, drop } = await freshDatabaseUrl('postgres');
    cleanup.push(drop);
    const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
    cleanup.push(() => dbh.close());
    const seed = await seedBase(ctx, 'two-process-pass');
    // Received a week ago: every commitment of every case is overdue when the workers start.
    const weekAgo = Date.now() - 7 * 86_400_000;
    for (let i = 0; i < CASES; i++)
      await createCase(
        ctx,
        { channel: 'phone', receivedAt: weekAgo + i * 60_000, teamId: seed.teams.frontline, contact: { name: `客户${i}`, phone: `1380000${String(i).padStart(4, '0')}` }, subject: `并发测试 ${i}`, description: '订单一直没有发货' },
        systemActor('test'),
      );
    const due = await ctx.db.selectFrom('case_targets').select((eb) => eb.fn.countAll<number>().as('n')).where('next_check_at', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(due.n)).toBe(CASES * 3); // reception, first response, resolution

    for (const node of ['node-a', 'node-b']) {
      const port = await freePort();
      const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--db', url, '--port', String(port)], {
        env: { ...process.env, LOG_LEVEL: 'silent', SL_TIMER_POLL_MS: '10', SL_TIMER_BATCH: '7', SL_NODE_ID: node },
        stdio: 'ignore',
      });
      procs.push(p);
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const left = await ctx.db.selectFrom('case_targets').select((eb) => eb.fn.countAll<number>().as('n')).where('next_check_at', 'is not', null).executeTakeFirstOrThrow();
      if (Number(left.n) === 0) break;
      if (Date.now() > deadline) throw new Error(`${left.n} timers still due after 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const p of procs) p.kill('SIGTERM');

    const events = await ctx.db.selectFrom('case_events').select(['case_id', 'type', 'data']).where('type', 'in', ['sla_breach', 'sla_warning', 'escalated', 'remedy_proposed']).execute();
    const breaches = events.filter((e) => e.type === 'sla_breach');
    expect(breaches).toHaveLength(CASES * 3);
    expect(new Set(breaches.map((e) => (JSON.parse(e.data!) as { targetId: string }).targetId)).size).toBe(CASES * 3);
    // overdue when first seen: no stale warnings
    expect(events.filter((e) => e.type === 'sla_warning')).toHaveLength(0);
    // three breaches climb agent -> supervisor -> manager -> director, once each
    const esc = await ctx.db.selectFrom('case_escalations').select(['case_id', 'level']).execute();
    expect(esc).toHaveLength(CASES * 3);
    expect(new Set(esc.map((e) => `${e.case_id}:${e.level}`)).size).toBe(CASES * 3);
    expect(events.filter((e) => e.type === 'escalated')).toHaveLength(CASES * 3);
    expect(events.filter((e) => e.type === 'remedy_proposed')).toHaveLength(CASES);
    const nodes = await ctx.db.selectFrom('audit_log').select('after').where('action', '=', 'commitments.sweep').execute();
    const byNode = new Map<string, number>();
    for (const n of nodes) {
      const a = JSON.parse(n.after!) as { node: string; breaches: number };
      byNode.set(a.node, (byNode.get(a.node) ?? 0) + a.breaches);
    }
    expect([...byNode.values()].reduce((a, b) => a + b, 0)).toBe(CASES * 3);
    console.log('breaches handled per process:', Object.fromEntries(byNode));
  }, 120_000);
});
