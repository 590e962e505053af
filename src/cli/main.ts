import { Command } from 'commander';
import { openCtx, defaultDatabaseUrl } from '../core/bootstrap.ts';
import { migrateDownAll, migrateToLatest } from '../core/db/migrate.ts';
import { backupDatabase, BackupError, restoreDatabase, type BackupCheck } from '../core/db/backup.ts';
import { createDb } from '../core/db/create-db.ts';
import { verifyAuditChain } from '../core/modules/audit/index.ts';
import { createApiToken, createUser, isTokenOnly, listApiTokens, newUserBody, revokeApiToken, ROLES, type NewUser } from '../core/modules/users/index.ts';
import { DemoInterrupted, demoPlan, describeReset, resetUnfinishedDemo } from '../core/seed/demo-state.ts';
import { DEMO_PASSWORD, loadDemo } from '../core/seed/demo.ts';
import { systemActor } from '../core/shared/actor.ts';
import { DomainError } from '../core/shared/errors.ts';
import { eraseBody, eraseCustomer, exportCustomerData, runRetention } from '../core/modules/privacy/index.ts';
import { listRoutingRules } from '../core/modules/routing/index.ts';
import type { ReportKind, ReportView } from '../core/modules/reports/index.ts';

const positiveInt = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`${name} must be a positive whole number`);
  return n;
};

// `serviceloop audit verify | head -1`: the reader went away; what is left to print goes nowhere, quietly
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const program = new Command();
// options after a subcommand's name are its own (`token list --email` is not `token --email`)
program.enablePositionalOptions();
/** --port, else $PORT, else 3000: a whole number 0..65535 (0: any free port), named when it is not. */
function portOf(option: string | undefined, env: string | undefined): number {
  const [name, raw] = option !== undefined ? ['--port', option] : env !== undefined && env !== '' ? ['PORT', env] : ['', '3000'];
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65535) throw new Error(`${name} must be a port number, 0 to 65535 (got "${raw}")`);
  return port;
}

program.name('serviceloop').description('ServiceLoop — customer-service quality management (客户服务质量管理系统)');
const dbOption = ['--db <url>', 'database URL (postgres://... or sqlite:path); default $DATABASE_URL or sqlite:./data/serviceloop.db'] as const;

program
  .command('serve')
  .description('run the HTTP server (and its workers)')
  .option(...dbOption)
  .option('--port <port>', 'port (default $PORT or 3000)')
  .option('--host <host>', 'interface (default $HOST or 127.0.0.1)')
  .option('--demo', 'on an empty database, load the demo organisation and data in the background (again if an earlier load was cut short)')
  .option('--demo-cases <n>', 'number of demo cases (default 3000)')
  .action(async (o: { db?: string; port?: string; host?: string; demo?: boolean; demoCases?: string }) => {
    // loaded here, not at the top: the HTTP server's modules cost every other command a second to start
    const { startServer } = await import('../server/main.ts');
    await startServer({
      url: o.db ?? defaultDatabaseUrl(),
      port: portOf(o.port, process.env.PORT),
      host: o.host ?? process.env.HOST ?? '127.0.0.1',
      demo: Boolean(o.demo),
      demoCases: positiveInt(o.demoCases, '--demo-cases'),
    });
  });

program
  .command('migrate')
  .description('apply all migrations (or --down to revert them all)')
  .option(...dbOption)
  .option('--down', 'revert every migration')
  .action(async (o: { db?: string; down?: boolean }) => {
    const dbh = createDb({ url: o.db ?? defaultDatabaseUrl() });
    const r = o.down ? await migrateDownAll(dbh) : await migrateToLatest(dbh);
    for (const m of r.results ?? []) console.log(`${m.direction} ${m.migrationName}: ${m.status}`);
    if (!r.results?.length) console.log('nothing to do');
    await dbh.close();
  });

program
  .command('demo')
  .description('load the demo organisation and data into an empty database (again if an earlier load was cut short)')
  .option(...dbOption)
  .option('--cases <n>', 'number of demo cases (default 3000)')
  .action(async (o: { db?: string; cases?: string }) => {
    const cases = positiveInt(o.cases, '--cases');
    const url = o.db ?? defaultDatabaseUrl();
    let { ctx, dbh } = await openCtx({ url });
    const r = await resetUnfinishedDemo(dbh);
    if (r) console.log(describeReset(r));
    if (r?.reset) ({ ctx, dbh } = await openCtx({ url }));
    const plan = await demoPlan(ctx);
    if (plan === 'skip') console.log('the database already has data; demo data not loaded');
    else if (plan === 'busy') console.log('another process is loading the demo into this database');
    else {
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      try {
        await loadDemo(ctx, { log: console.log, cases, signal: stop.signal });
        console.log(`demo loaded; every demo login has the password ${DEMO_PASSWORD}`);
      } catch (err) {
        if (!(err instanceof DemoInterrupted)) throw err;
        console.log('stopped before the demo finished loading; run the command again to load it from the start');
        process.exitCode = 130;
      }
    }
    await dbh.close();
  });

const user = program.command('user').description('manage users');
user
  .command('create')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .requiredOption('--role <role>', ROLES.join('|'))
  .option('--password <password>', 'at least 10 characters (or set SL_PASSWORD)')
  .option('--team <teamId>')
  .option('--customer <customerId>', 'the customer a portal account (role customer) belongs to')
  .option(...dbOption)
  .action(async (o: { email: string; name: string; role: string; password?: string; team?: string; customer?: string; db?: string }) => {
    // the API's own rules for a new user, each named by its option
    // (SL_PASSWORD is not for a token-only account; --password given for one is refused below)
    const password = o.password ?? (isTokenOnly(o.role) ? undefined : process.env.SL_PASSWORD);
    const parsed = newUserBody.safeParse({ email: o.email, name: o.name, role: o.role, password, teamId: o.team, customerId: o.customer });
    if (!parsed.success) {
      const option: Record<string, string> = { email: '--email', name: '--name', role: '--role', password: '--password (or SL_PASSWORD)', teamId: '--team', customerId: '--customer' };
      throw new Error(parsed.error.issues.map((i) => `${option[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('; '));
    }
    // a token-only account (role integration) has none: `token --email` gives it its API token
    if (!parsed.data.password && !isTokenOnly(parsed.data.role)) throw new Error('a password of at least 10 characters is required (--password or SL_PASSWORD)');
    if (parsed.data.password && isTokenOnly(parsed.data.role))
      throw new Error(`--password: an account of role ${parsed.data.role} acts by API token only; leave the password out, then run \`token --email ${parsed.data.email}\``);
    const { ctx, dbh } = await openCtx({ url: o.db ?? defaultDatabaseUrl() });
    try {
      const u = await createUser(ctx, parsed.data as NewUser, systemActor('cli'));
      console.log(JSON.stringify(u, null, 2));
    } finally {
      await dbh.close();
    }
  });

/** The id of the user with this email, or an error naming it. */
async function userIdByEmail(ctx: Awaited<ReturnType<typeof openCtx>>['ctx'], email: string): Promise<string> {
  const u = await ctx.db.selectFrom('users').select('id').where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  if (!u) throw new Error(`no user ${email}`);
  return u.id;
}

const token = program
  .command('token')
  .description('create an API token for a user (printed once); `token list`, `token revoke` manage them')
  .option('--email <email>', 'the user the token acts as (required to create one)')
  .option('--name <name>', 'token name', 'cli')
  .option(...dbOption)
  .action(async (o: { email?: string; name: string; db?: string }) => {
    if (!o.email) throw new Error("required option '--email <email>' not specified");
    const { ctx, dbh } = await openCtx({ url: o.db ?? defaultDatabaseUrl() });
    try {
      const r = await createApiToken(ctx, await userIdByEmail(ctx, o.email), o.name, null, systemActor('cli'));
      console.log(r.token);
    } finally {
      await dbh.close();
    }
  });
token
  .command('list')
  .description("a user's API tokens: id, name, created, last used, expiry, revoked (never the secret)")
  .requiredOption('--email <email>')
  .option(...dbOption)
  .action(async (o: { email: string; db?: string }) => {
    const { ctx, dbh } = await openCtx({ url: o.db ?? defaultDatabaseUrl() });
    try {
      const when = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
      for (const t of await listApiTokens(ctx, await userIdByEmail(ctx, o.email)))
        console.log([t.id, t.name, `${t.prefix}…`, `created ${when(t.createdAt)}`, `last used ${when(t.lastUsedAt)}`, `expires ${when(t.expiresAt)}`, t.revokedAt === null ? 'active' : `revoked ${when(t.revokedAt)}`].join('\t'));
    } finally {
      await dbh.close();
    }
  });
token
  .command('revoke')
  .description('revoke an API token by its id (from `token list`): it stops working at once, for good')
  .argument('<id>')
  .option(...dbOption)
  .action(async (id: string, o: { db?: string }) =>
    withCtx(o.db, async (ctx) => {
      await revokeApiToken(ctx, id, systemActor('cli'));
      console.log(`revoked ${id}`);
    }),
  );

const audit = program.command('audit').description('the tamper-evident audit log');
audit
  .command('verify')
  .description('recompute the hash chain; exit 1 if a row was edited or deleted, or if the entry given with --expect is gone or differs')
  .option(...dbOption)
  .option('--expect <seq:hash>', 'a head printed by an earlier verify and kept outside the database: proves the chain was not cut or rewritten up to it')
  .action(async (o: { db?: string; expect?: string }) => {
    let expect: { seq: number; hash: string } | undefined;
    if (o.expect !== undefined) {
      const m = /^(\d+):([0-9a-f]{64})$/.exec(o.expect.trim());
      if (!m) throw new Error(`--expect must be <seq>:<hash> as verify printed it (got "${o.expect}")`);
      expect = { seq: Number(m[1]), hash: m[2]! };
    }
    const { ctx, dbh } = await openCtx({ url: o.db ?? defaultDatabaseUrl(), migrate: false });
    const r = await verifyAuditChain(ctx, { expect });
    await dbh.close();
    if (r.ok) {
      console.log(`audit chain intact: ${r.checked} entries verified${expect ? `, including seq ${expect.seq} as expected` : ''}`);
      if (r.head) console.log(`head: ${r.head.seq}:${r.head.hash} (keep it elsewhere; \`audit verify --expect ${r.head.seq}:${r.head.hash}\` later shows nothing up to it was cut or rewritten)`);
    } else {
      const b = r.brokenAt!;
      const why =
        b.reason === 'expected_entry_missing' ? 'the expected entry is gone: the chain was cut' : b.reason === 'expected_entry_differs' ? 'the expected entry differs: the chain was rewritten' : b.reason;
      console.error(`audit chain BROKEN at seq ${b.seq} (${why}) after ${r.checked} good entries`);
      process.exitCode = 1;
    }
  });

const size = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);
const checked = (c: BackupCheck) =>
  `${c.cases} cases, ${c.customers} customers, audit chain intact (${c.auditEntries} entries${c.auditHead ? `, head ${c.auditHead.seq}:${c.auditHead.hash}` : ''})`;

program
  .command('backup')
  .description('write a consistent snapshot of the database (SQLite: one file; PostgreSQL: pg_dump custom format) while it runs, then restore it aside and check it')
  .requiredOption('--out <file>', 'the backup file to write (never over an existing one)')
  .option(...dbOption)
  .action(async (o: { out: string; db?: string }) => {
    try {
      const r = await backupDatabase(o.db ?? defaultDatabaseUrl(), o.out);
      console.log(`backup: ${r.file} (${size(r.bytes)}) in ${(r.tookMs / 1000).toFixed(1)} s`);
      console.log(`restore tested in ${r.check.restoredInto}: ${checked(r.check)}`);
    } catch (err) {
      if (!(err instanceof BackupError)) throw err;
      console.error(`backup failed: ${err.message}`);
      process.exitCode = 1;
    }
  });

program
  .command('restore')
  .description('restore a backup into a new (empty) database and check it; stop the server first')
  .requiredOption('--from <file>', 'a file written by `backup`')
  .requiredOption('--db <url>', 'the database to restore into: sqlite:<file> or postgres://…')
  .option('--force', 'replace what the target database holds')
  .action(async (o: { from: string; db: string; force?: boolean }) => {
    try {
      const c = await restoreDatabase(o.from, o.db, { force: o.force === true });
      console.log(`restored ${o.from} into ${c.restoredInto}: ${checked(c)}`);
    } catch (err) {
      if (!(err instanceof BackupError)) throw err;
      console.error(`restore failed: ${err.message}`);
      process.exitCode = 1;
    }
  });

const privacy = program.command('privacy').description("customers' privacy rights (SPEC 10): export, erasure by anonymisation, retention");
/** Runs `fn` on a context and closes it; a domain failure (unknown customer, open cases...) ends with its code and message, exit 1. */
async function withCtx(url: string | undefined, fn: (ctx: Awaited<ReturnType<typeof openCtx>>['ctx']) => Promise<void>): Promise<void> {
  const { ctx, dbh } = await openCtx({ url: url ?? defaultDatabaseUrl() });
  try {
    await fn(ctx);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    console.error(`${err.code}: ${err.message}`);
    process.exitCode = 1;
  } finally {
    await dbh.close();
  }
}
privacy
  .command('export')
  .description("print everything kept about a customer as JSON (right of access); recorded in the audit log")
  .requiredOption('--customer <id>', 'the customer id')
  .option(...dbOption)
  .action((o: { customer: string; db?: string }) =>
    withCtx(o.db, async (ctx) => {
      console.log(JSON.stringify(await exportCustomerData(ctx, o.customer, systemActor('cli')), null, 2));
    }),
  );
privacy
  .command('erase')
  .description("erase a customer's personal data by anonymisation (right to erasure); refused while a case is not closed")
  .requiredOption('--customer <id>', 'the customer id')
  .requiredOption('--reason <text>', 'why (the request and its reference), 1 to 500 characters; recorded in the audit log')
  .option(...dbOption)
  .action((o: { customer: string; reason: string; db?: string }) => {
    const body = eraseBody.safeParse({ reason: o.reason });
    if (!body.success) throw new Error('--reason: give why, 1 to 500 characters');
    return withCtx(o.db, async (ctx) => {
      const r = await eraseCustomer(ctx, o.customer, body.data, systemActor('cli'));
      const c = r.counts;
      console.log(`customer ${r.customerId} erased at ${new Date(r.erasedAt).toISOString()}: ${c.cases} cases, ${c.events} events, ${c.attachments} attachments, ${c.portalAccounts} portal accounts (${c.tokensRevoked} tokens revoked, ${c.sessionsEnded} sessions ended), ${c.outboxCancelled} queued messages cancelled`);
    });
  });
privacy
  .command('retention')
  .description('erase by anonymisation the customers whose personal data is past the retention limit (SL_RETENTION_DAYS, default 1095)')
  .option('--dry-run', 'list who would be erased, change nothing')
  .option(...dbOption)
  .action((o: { dryRun?: boolean; db?: string }) =>
    withCtx(o.db, async (ctx) => {
      const r = await runRetention(ctx, { dryRun: Boolean(o.dryRun) });
      const cutoff = new Date(r.cutoff).toISOString();
      if (r.dryRun) {
        for (const id of r.customers) console.log(`would erase ${id}`);
        console.log(`dry run: ${r.due} customer(s) past the retention limit (${r.retentionDays} days: no case open and no activity since before ${cutoff}); nothing changed`);
        return;
      }
      for (const id of r.erased) console.log(`erased ${id}`);
      for (const s of r.skipped) console.log(`skipped ${s.customerId}: ${s.code}: ${s.message}`);
      console.log(`retention: ${r.erased.length} customer(s) erased, ${r.skipped.length} skipped (limit ${r.retentionDays} days, before ${cutoff})`);
      if (r.stopped) {
        console.error('retention: stopped after repeated errors (see the skipped above); run it again once the database is healthy');
        process.exitCode = 1;
      }
    }),
  );

const routing = program.command('routing').description('routing rules (SPEC 3): how new cases go to a team and an agent');
routing
  .command('list')
  .description('print the routing rules in the order they are tried (the first enabled one that matches a new case wins)')
  .option('--json', 'as JSON')
  .option(...dbOption)
  .action((o: { json?: boolean; db?: string }) =>
    withCtx(o.db, async (ctx) => {
      const rules = await listRoutingRules(ctx);
      if (o.json) return void console.log(JSON.stringify(rules, null, 2));
      if (rules.length === 0) return void console.log('no routing rules: new cases are not routed');
      const teams = new Map((await ctx.db.selectFrom('teams').select(['id', 'name']).execute()).map((t) => [t.id, t.name]));
      for (const r of rules) {
        const when = Object.entries(r.conditions).map(([k, v]) => `${k}=${(v as string[]).join(',')}`).join(' ') || 'every case';
        const agent = [r.requiredSkills.length ? `skills=${r.requiredSkills.join(',')}` : '', r.matchLanguage ? 'same language' : '', r.maxOpenPerAgent !== null ? `cap ${r.maxOpenPerAgent} open` : ''].filter(Boolean).join(', ');
        console.log(`${r.position}\t${r.enabled ? 'on ' : 'off'}\t${r.name}\t${r.id}\n\twhen ${when} -> team ${teams.get(r.teamId) ?? r.teamId}, ${r.strategy}${agent ? ` (${agent})` : ''}`);
      }
    }),
  );

program
  .command('import')
  .description('import offline records (SPEC 1) from an .xlsx or .csv file (the template: GET /api/v1/imports/template): each valid new row a case; --dry-run checks every row and writes nothing')
  .argument('<file>', 'the .xlsx or .csv (UTF-8 or GBK) file')
  .requiredOption('--as <email>', 'the admin or lead who imports (recorded as the intake and in the audit log)')
  .option('--dry-run', 'check every row, change nothing')
  .option('--errors <file.csv>', 'write the error report (one line per error) to this file')
  .option('--json', 'print the result as JSON')
  .option(...dbOption)
  .action((file: string, o: { as: string; dryRun?: boolean; errors?: string; json?: boolean; db?: string }) =>
    withCtx(o.db, async (ctx) => {
      const { readFile, writeFile } = await import('node:fs/promises');
      const { basename } = await import('node:path');
      const { can } = await import('../core/modules/users/index.ts');
      const { imports } = await import('../core/modules/channels/index.ts');
      const u = await ctx.db.selectFrom('users').selectAll().where('email', '=', o.as.trim().toLowerCase()).where('active', '=', 1).executeTakeFirst();
      if (!u) throw new Error(`--as: no active user ${o.as}`);
      if (!can(u.role, 'case.import')) throw new Error(`--as: ${o.as} (${u.role}) may not import records (case.import: admin, supervisor, manager, director)`);
      const actor = { id: u.id, kind: 'staff' as const, role: u.role as 'admin', name: u.name, teamId: u.team_id, customerId: null, ip: null };
      const upload = { name: basename(file), content: await readFile(file) };
      const t0 = performance.now();
      const r = o.dryRun ? await imports.dryRunImport(ctx, upload, actor) : await imports.commitImport(ctx, upload, actor);
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      if (o.errors) await writeFile(o.errors, imports.errorReportCsv(r.rows, 'en'));
      if (o.json) return void console.log(JSON.stringify(r, null, 2));
      for (const row of r.rows)
        for (const e of row.errors) console.log(`row ${row.row}\t${row.status === 'duplicate' ? 'skipped' : 'failed'}\t${e.column ?? '-'}\t${e.code}: ${e.message}`);
      const verb = o.dryRun ? 'dry run: would create' : `import ${'jobId' in r ? r.jobId : ''}: created`;
      console.log(`${verb} ${r.created}, skipped ${r.skipped} (imported before), failed ${r.failed}, of ${r.totalRows} records in ${secs} s${o.dryRun ? '; nothing changed' : ''}`);
      if (r.failed > 0) process.exitCode = 2;
    }),
  );

program
  .command('customers')
  .description('customer profiles (SPEC 9)')
  .command('recompute')
  .description("recompute every customer's tier by value (80/20 rule; pinned tiers kept), lifecycle stage and churn-risk flags; audited")
  .option(...dbOption)
  .action((o: { db?: string }) =>
    withCtx(o.db, async (ctx) => {
      const { recomputeProfiles } = await import('../core/modules/customers/index.ts');
      const r = await recomputeProfiles(ctx, systemActor('cli'));
      console.log(
        `customers: ${r.customers}; tiers vip ${r.byTier.vip}, key ${r.byTier.key}, normal ${r.byTier.normal} (${r.tierChanges.length} changed); stages new ${r.byStage.new}, growing ${r.byStage.growing}, mature ${r.byStage.mature}, declining ${r.byStage.declining}; at risk ${r.atRisk}`,
      );
    }),
  );

const report = program.command('report').description('service reports (SPEC 8): the monthly service supervision report and the daily/weekly digests');
/** Writes the exports asked for; prints the report's figures otherwise. */
async function exportReport(r: ReportView, o: { xlsx?: string; pdf?: string; html?: string; lang?: string }): Promise<void> {
  const lang = o.lang === 'en' ? 'en' : 'zh';
  const { writeFileSync } = await import('node:fs');
  const { reportPdf, reportPrintPage, reportXlsx } = await import('../core/modules/reports/index.ts');
  if (o.xlsx) writeFileSync(o.xlsx, await reportXlsx(r, lang));
  if (o.pdf) writeFileSync(o.pdf, await reportPdf(r, lang));
  if (o.html) writeFileSync(o.html, reportPrintPage(r, lang));
  for (const f of [o.xlsx, o.pdf, o.html]) if (f) console.log(`wrote ${f}`);
  if (!o.xlsx && !o.pdf && !o.html)
    for (const s of r.content.sections) {
      console.log(`\n${s.title[lang]}`);
      for (const f of s.figures) console.log(`  ${f.key}\t${f.value ?? '-'}\t(prior ${f.prior ?? '-'})\t${f.label[lang]}`);
    }
}
const exportOptions = (c: Command) =>
  c
    .option('--xlsx <file>', 'write the spreadsheet')
    .option('--pdf <file>', 'write the PDF (needs a CJK font: SL_PDF_FONT, else the system one)')
    .option('--html <file>', 'write the printable page')
    .option('--lang <zh|en>', 'the language of the export', 'zh')
    .option(...dbOption);
exportOptions(
  report
    .command('generate')
    .description('generate a report of a period from the figures as they are now (a new version), and print or export it')
    .requiredOption('--kind <daily|weekly|monthly>', 'the kind of report')
    .option('--period <key>', 'the period: 2026-11-30, 2026-W48 or 2026-11 (default: the last complete one)'),
).action(async (o: { kind: string; period?: string; xlsx?: string; pdf?: string; html?: string; lang?: string; db?: string }) => {
  const { generateReport, REPORT_KINDS } = await import('../core/modules/reports/index.ts');
  if (!(REPORT_KINDS as readonly string[]).includes(o.kind)) throw new Error(`--kind: one of ${REPORT_KINDS.join(', ')}`);
  return withCtx(o.db, async (ctx) => {
    const r = await generateReport(ctx, { kind: o.kind as ReportKind, ...(o.period ? { period: o.period } : {}) }, systemActor('cli'));
    console.log(`report ${r.id}: ${r.content.title[o.lang === 'en' ? 'en' : 'zh']}, version ${r.version}`);
    await exportReport(r, o);
  });
});
exportOptions(report.command('export').description('print or export a report generated before, as it was generated').requiredOption('--id <id>', 'the report id')).action(
  (o: { id: string; xlsx?: string; pdf?: string; html?: string; lang?: string; db?: string }) => withCtx(o.db, async (ctx) => {
      const { getReport } = await import('../core/modules/reports/index.ts');
      await exportReport(await getReport(ctx, o.id), o);
    }),
);
report
  .command('list')
  .description('the reports generated, newest first')
  .option('--kind <daily|weekly|monthly>', 'only this kind')
  .option(...dbOption)
  .action((o: { kind?: string; db?: string }) =>
    withCtx(o.db, async (ctx) => {
      const { listReports, REPORT_KINDS } = await import('../core/modules/reports/index.ts');
      if (o.kind && !(REPORT_KINDS as readonly string[]).includes(o.kind)) throw new Error(`--kind: one of ${REPORT_KINDS.join(', ')}`);
      for (const r of await listReports(ctx, { limit: 200, ...(o.kind ? { kind: o.kind as ReportKind } : {}) }))
        console.log(`${r.id}\t${r.kind}\t${r.periodKey}\tv${r.version}${r.superseded ? ' (superseded)' : ''}\t${new Date(r.generatedAt).toISOString()}\t${r.generatedBy?.name ?? r.source}`);
    }),
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
