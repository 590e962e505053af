/**
 * The bulk import of offline records (modules/channels/import), in process: the time to check and
 * import a file of 5,000 records (the most a file may hold) on SQLite and PostgreSQL, in rows/s.
 * node --import tsx bench/tools/import-rows.ts [rows=5000] [sqlite|postgres|both=both]
 * Fresh databases each run (a temp SQLite file; a PostgreSQL database created and dropped on
 * SL_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCtx } from '../../src/core/bootstrap.ts';
import { seedBase } from '../../src/core/seed/base-seed.ts';
import { imports } from '../../src/core/modules/channels/index.ts';
import { actorOf } from '../../src/core/modules/users/index.ts';
import { pgCreateDatabase, pgDropDatabase, pgUrlFor, removeSqliteFiles, sqliteUrl } from '../common.ts';

const [rowsArg = String(imports.MAX_IMPORT_ROWS), which = 'both'] = process.argv.slice(2);
const rows = Math.min(Number(rowsArg), imports.MAX_IMPORT_ROWS);
const adminUrl = process.env.SL_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A CSV of `n` records as an office would type them: phone, letter and walk-in, some complaints, each with its reference. */
function file(n: number): Buffer {
  const head = '接收时间,渠道,客户姓名,电话,邮箱,类型,分类,主题,描述,诉求,受理人,外部编号';
  const lines = Array.from({ length: n }, (_, i) =>
    [
      `2026-11-${String(2 + (i % 25)).padStart(2, '0')} ${String(9 + (i % 8)).padStart(2, '0')}:15`,
      ['电话', '信函', '上门'][i % 3],
      `客户${i}`,
      `139${String(i).padStart(8, '0')}`,
      '',
      i % 4 === 0 ? '投诉' : '咨询',
      '',
      `线下记录 ${i}`,
      `第 ${i} 条纸质记录的描述`,
      '',
      '',
      `BULK-${i}`,
    ].join(','),
  );
  return Buffer.from(`${[head, ...lines].join('\r\n')}\r\n`, 'utf8');
}

async function run(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const name = `sl_bench_import_${process.pid}`;
  const sqliteFile = join(tmpdir(), `${name}.db`);
  let url: string;
  if (dialect === 'sqlite') {
    removeSqliteFiles(sqliteFile);
    url = sqliteUrl(sqliteFile);
  } else {
    await pgDropDatabase(adminUrl, name);
    await pgCreateDatabase(adminUrl, name);
    url = pgUrlFor(adminUrl, name);
  }
  const { ctx, dbh } = await openCtx({ url, config: { scryptCost: 1024 } });
  try {
    const seed = await seedBase(ctx, 'bench-password-123');
    const admin = await ctx.db.selectFrom('users').selectAll().where('id', '=', seed.users.admin!.id).executeTakeFirstOrThrow();
    const actor = actorOf(admin, null);
    const upload = { name: 'bulk.csv', content: file(rows) };
    let t0 = performance.now();
    const dry = await imports.dryRunImport(ctx, upload, actor);
    const dryMs = performance.now() - t0;
    t0 = performance.now();
    const done = await imports.commitImport(ctx, upload, actor);
    const ms = performance.now() - t0;
    if (dry.created !== rows || done.created !== rows) throw new Error(`expected ${rows} created, dry run ${dry.created}, import ${done.created} (failed ${done.failed})`);
    t0 = performance.now();
    const again = await imports.commitImport(ctx, upload, actor);
    const againMs = performance.now() - t0;
    if (again.skipped !== rows) throw new Error(`the same file again: expected ${rows} skipped, got ${again.skipped}`);
    const rate = (n: number, t: number) => `${Math.round((n * 1000) / t)} rows/s`;
    console.log(
      `${dialect}: ${rows} rows imported in ${(ms / 1000).toFixed(1)} s (${rate(rows, ms)}); dry run ${(dryMs / 1000).toFixed(1)} s (${rate(rows, dryMs)}); the same file again (all skipped) ${(againMs / 1000).toFixed(1)} s`,
    );
  } finally {
    await dbh.close();
    if (dialect === 'sqlite') removeSqliteFiles(sqliteFile);
    else await pgDropDatabase(adminUrl, name);
  }
}

for (const d of ['sqlite', 'postgres'] as const) if (which === 'both' || which === d) await run(d);
