import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCtx } from '../../src/core/bootstrap.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import { DIALECTS, freshDatabaseUrl } from '../helpers/db.ts';
import { cli } from '../helpers/cli.ts';


// SPEC 10: backups with tested restore (`serviceloop backup`, `serviceloop restore`).
describe.each(DIALECTS)('backup and restore on %s', (dialect) => {
  const drops: Array<() => Promise<void>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'sl-backup-'));
  let source: string;
  const fresh = async () => {
    const f = await freshDatabaseUrl(dialect);
    drops.push(f.drop);
    return f.url;
  };
  /** Runs fn on a database and closes it. */
  const on = async <T>(url: string, fn: (ctx: Awaited<ReturnType<typeof openCtx>>['ctx']) => Promise<T>): Promise<T> => {
    const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
    try {
      return await fn(ctx);
    } finally {
      await dbh.close();
    }
  };
  const customers = (url: string) => on(url, async (ctx) => (await ctx.db.selectFrom('customers').select('name').orderBy('name').execute()).map((c) => c.name));

  beforeAll(async () => {
    source = await fresh();
    await on(source, async (ctx) => {
      for (const name of ['陈先生', '林女士']) await createCustomer(ctx, { name, phone: `1390000000${name.length}` }, systemActor('test'));
    });
  });
  afterAll(async () => {
    for (const d of drops) await d();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up a database, and restores the backup into a new one as it was at that moment', { timeout: 120_000 }, async () => {
    const file = join(dir, `a.${dialect}`);
    const made = await cli('backup', '--out', file, '--db', source);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toMatch(/restore tested in .*: 0 cases, 2 customers, audit chain intact \(\d+ entries, head \d+:[0-9a-f]{64}\)/);
    const head = /head (\d+:[0-9a-f]{64})/.exec(made.out)![1]!;
    // written after the backup: not in it
    await on(source, (ctx) => createCustomer(ctx, { name: '王先生' }, systemActor('test')));

    const target = await fresh();
    const restored = await cli('restore', '--from', file, '--db', target);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toContain(`2 customers, audit chain intact`);
    expect(await customers(target)).toEqual(['林女士', '陈先生']);
    const verified = await cli('audit', 'verify', '--expect', head, '--db', target);
    expect(verified.code, verified.err).toBe(0);
    // the restored database runs: new writes land after the restored history
    await on(target, (ctx) => createCustomer(ctx, { name: '赵女士' }, systemActor('test')));
    expect(await customers(target)).toHaveLength(3);

    // into a database that holds data: only with --force, which replaces it
    const again = await cli('restore', '--from', file, '--db', target);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/restore failed: .*(not empty|exists)/);
    const forced = await cli('restore', '--from', file, '--db', target, '--force');
    expect(forced.code, forced.err).toBe(0);
    expect(await customers(target)).toEqual(['林女士', '陈先生']);
  });

  it('replaces the whole target with --force, and never a file in use or the backup itself', { timeout: 120_000 }, async () => {
    const file = join(dir, `force.${dialect}`);
    expect((await cli('backup', '--out', file, '--db', source)).code).toBe(0);
    const target = await fresh();
    expect((await cli('restore', '--from', file, '--db', target)).code).toBe(0);
    // a table of a later version (a migration the backup does not know) goes too
    await on(target, (ctx) => sql`create table later_table (x integer)`.execute(ctx.db));
    if (dialect === 'sqlite') {
      // a server still running on the target: refused, nothing replaced
      const open = new SqliteDatabase(target.replace(/^sqlite:/, ''));
      open.prepare('select count(*) from cases').get(); // as a server reads
      try {
        const busy = await cli('restore', '--from', file, '--db', target, '--force');
        expect(busy.code).toBe(1);
        expect(busy.err).toContain('is in use');
      } finally {
        open.close();
      }
      const itself = await cli('restore', '--from', file, '--db', `sqlite:${file}`, '--force');
      expect(itself.code).toBe(1);
      expect(itself.err).toContain('is the target itself');
      expect(existsSync(file)).toBe(true);
    }
    const forced = await cli('restore', '--from', file, '--db', target, '--force');
    expect(forced.code, forced.err).toBe(0);
    const tables = await on(target, async (ctx) => (await ctx.db.introspection.getTables()).map((t) => t.name));
    expect(tables).not.toContain('later_table');
    expect(tables).toContain('cases');
  });

  it('refuses to write over a file, and a file that is not a backup of this kind', { timeout: 60_000 }, async () => {
    const taken = join(dir, 'taken');
    writeFileSync(taken, 'keep me');
    const over = await cli('backup', '--out', taken, '--db', source);
    expect(over.code).toBe(1);
    expect(over.err).toContain('exists');
    const junk = await cli('restore', '--from', taken, '--db', await fresh());
    expect(junk.code).toBe(1);
    expect(junk.err).toMatch(/is not a (SQLite|PostgreSQL) backup/);
    for (const r of [over, junk]) expect(r.err).not.toMatch(/^\s+at /m);
  });

  it('does not keep a backup whose check fails: an audit log edited in place', { timeout: 60_000 }, async () => {
    const broken = await fresh();
    await on(broken, async (ctx) => {
      await createCustomer(ctx, { name: '周先生' }, systemActor('test'));
      await ctx.db.updateTable('audit_log').set({ after: '{"name":"someone else"}' }).where('action', '=', 'customer.create').execute();
    });
    const file = join(dir, `broken.${dialect}`);
    const made = await cli('backup', '--out', file, '--db', broken);
    expect(made.code).toBe(1);
    expect(made.err).toMatch(/backup failed: the backup's audit chain is broken at seq \d+ \(hash_mismatch\)/);
    expect(existsSync(file)).toBe(false);
  });
});
