import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepDueTimers } from '../../src/core/modules/commitments/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { createUser } from '../../src/core/modules/users/index.ts';
import { imports } from '../../src/core/modules/channels/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

/** One file in the multipart field "file", as a browser sends it. */
function form(name: string, content: Buffer) {
  const boundary = `----sltest${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  return { payload: Buffer.concat([head, content, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const csv = (rows: string[][], bom = false) => Buffer.from(`${bom ? '\uFEFF' : ''}${rows.map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n')}\r\n`, 'utf8');

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const HEAD_ZH = ['接收时间', '渠道', '客户姓名', '电话', '邮箱', '类型', '分类', '主题', '描述', '诉求', '受理人', '外部编号'];

interface Summary {
  totalRows: number;
  created: number;
  skipped: number;
  failed: number;
  jobId?: string;
  ignoredColumns: string[];
  encoding: string | null;
  rows: Array<{ row: number; status: string; caseNumber: string | null; caseId: string | null; errors: Array<{ column: string | null; code: string }> }>;
}

// SPEC 1: bulk import of offline records (CSV/XLSX), each record a case through intake, once.
describe.each(DIALECTS)('bulk import of offline records on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    clock.set(sh('2026-12-07T10:00:00')); // a Monday
  });
  afterAll(async () => t?.close());

  const upload = (who: string, name: string, content: Buffer, dryRun = false) => {
    const f = form(name, content);
    return t.as(who, 'POST', `/api/v1/imports${dryRun ? '?dryRun=true' : ''}`, f.payload, f.headers);
  };
  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const countCases = async () => Number((await t.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('gives the template in XLSX and CSV with Chinese or English headers, and the template itself imports', async () => {
    const x = await t.as('admin', 'GET', '/api/v1/imports/template?format=xlsx&lang=zh');
    expect(x.statusCode, x.body).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    expect((wb.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(HEAD_ZH);
    const c = await t.as('supervisor', 'GET', '/api/v1/imports/template?format=csv&lang=en');
    expect(c.statusCode).toBe(200);
    expect(c.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('Received at,Channel,Customer name,Phone,Email,Type,Category,Subject,Description,Request,Received by,External reference');
    // its example row is a valid record
    for (const [name, file] of [['template.xlsx', x.rawPayload], ['template.csv', c.rawPayload]] as const) {
      const dry = await upload('admin', name, file, true);
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json()).toMatchObject({ totalRows: 1, created: 1, failed: 0, skipped: 0 });
    }
  });

  it('lets leads and admins import, and refuses agents, inspectors and customers', async () => {
    const file = csv([['接收时间', '客户姓名', '电话', '主题', '描述'], ['2026-11-02 10:00', '甲', '13000000001', '咨询', '问价格']]);
    for (const who of ['agent', 'tech', 'inspector']) {
      for (const r of [await upload(who, 'a.csv', file, true), await upload(who, 'a.csv', file), await t.as(who, 'GET', '/api/v1/imports'), await t.as(who, 'GET', '/api/v1/imports/template?format=csv')])
        expect([who, r.statusCode, code(r)]).toEqual([who, 403, 'forbidden']);
    }
    // a customer (a portal login) neither
    const customer = await createCustomer(t.ctx, { name: '门户客户', phone: '13100000001' }, systemActor('test'));
    await createUser(t.ctx, { email: 'portal-import@example.com', name: '门户客户', role: 'customer', customerId: customer.id, password: TEST_PASSWORD }, systemActor('test'));
    const cookie = await t.cookie('portal-import@example.com');
    const f = form('a.csv', file);
    for (const r of [
      await t.app.inject({ method: 'POST', url: '/api/v1/imports?dryRun=true', payload: f.payload, headers: { ...f.headers, cookie } }),
      await t.app.inject({ method: 'POST', url: '/api/v1/imports', payload: f.payload, headers: { ...f.headers, cookie } }),
      await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: { cookie } }),
      await t.app.inject({ method: 'GET', url: '/api/v1/imports/template?format=csv', headers: { cookie } }),
    ])
      expect(['customer', r.statusCode, code(r)]).toEqual(['customer', 403, 'forbidden']);
    const noOne = await t.app.inject({ method: 'GET', url: '/api/v1/imports' });
    expect(noOne.statusCode).toBe(401);
    for (const who of ['supervisor', 'manager', 'director', 'admin']) expect((await upload(who, 'a.csv', file, true)).statusCode).toBe(200);
    expect(await t.ctx.db.selectFrom('import_jobs').selectAll().execute()).toEqual([]); // dry runs write nothing
  });

  it('dry run: reports every invalid row with row number, column and code, and writes nothing', async () => {
    const before = await countCases();
    const file = csv([
      HEAD_ZH,
      ['2026-11-02 10:30', '电话', '王芳', '13800138000', '', '咨询', '产品质量', '热水器怎么用', '不会调温度', '', '', 'P-1'],
      ['2026/11/31 10:30', '电话', '王芳', '13800138000', '', '', '', '主题', '描述', '', '', 'P-2'], // no 31 November
      ['2026-11-02 10:30', '鸽子', '王芳', '', '', '', '', '主题', '描述', '', '', 'P-3'], // unknown channel, no contact
      ['2026-11-02 10:30', '', '王芳', 'call me', 'not-an-email', '问询', '不存在', '主题', '描述', '', 'nobody@example.com', 'P-4'],
      ['2026-12-08 10:30', '', '', '13800138000', '', '', '', '', '描述', '', '', 'P-5'], // tomorrow; no name, no subject
      ['', '', '', '', '', '', '', '', '', '', '', ''], // blank: not a record
      ['2026-11-02 10:30', '电话', '王芳', '13800138000', '', '咨询', '产品质量', '热水器怎么用', '不会调温度', '', '', 'P-1'], // P-1 again
    ]);
    const r = await upload('admin', 'records.csv', file, true);
    expect(r.statusCode, r.body).toBe(200);
    const s = r.json() as Summary;
    expect(s).toMatchObject({ totalRows: 6, created: 1, failed: 4, skipped: 1 });
    const byRow = Object.fromEntries(s.rows.map((x) => [x.row, x.errors.map((e) => `${e.column}:${e.code}`).sort()]));
    expect(byRow).toEqual({
      3: ['receivedAt:import_date_invalid'],
      4: ['channel:import_channel_unknown', 'null:import_contact_required'],
      5: ['category:import_category_unknown', 'email:import_email_invalid', 'phone:phone_invalid', 'receivedBy:import_staff_unknown', 'type:import_type_unknown'],
      6: ['name:import_value_required', 'receivedAt:received_in_future', 'subject:import_value_required'],
      8: ['null:import_duplicate_in_file'],
    });
    expect(s.rows.find((x) => x.row === 8)!.status).toBe('duplicate');
    expect(await countCases()).toBe(before);
    expect(await t.ctx.db.selectFrom('import_rows').selectAll().execute()).toEqual([]);
    // the report of a dry run's problems never repeats a cell's value (no personal data in it)
    expect(JSON.stringify(s)).not.toContain('not-an-email');
  });

  it('refuses what is not a record file with a clear code: format, encoding, columns, size, rows', async () => {
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    expect([(await upload('admin', 'old.xls', xls, true)).statusCode, code(await upload('admin', 'old.xls', xls, true))]).toEqual([415, 'import_format_unsupported']);
    const fakeXlsx = await upload('admin', 'data.xlsx', csv([['a'], ['b']]), true);
    expect([fakeXlsx.statusCode, code(fakeXlsx)]).toEqual([415, 'import_format_unsupported']);
    // Latin-1 text (é as 0xE9) is neither UTF-8 nor Chinese GBK
    const latin1 = Buffer.from('Received at,Customer name,Phone,Subject,Description\r\n2026-11-02 10:00,Ren\xe9,13000000001,Caf\xe9,x\r\n', 'latin1');
    const enc = await upload('admin', 'fr.csv', latin1, true);
    expect([enc.statusCode, code(enc)]).toEqual([422, 'import_encoding_unknown']);
    const cols = await upload('admin', 'c.csv', csv([['客户姓名', '电话', '备注'], ['甲', '13000000001', 'x']]), true);
    expect([cols.statusCode, code(cols)]).toEqual([422, 'import_columns_missing']);
    expect((cols.json() as { error: { details: { missing: string[] } } }).error.details.missing).toEqual(['receivedAt', 'subject', 'description']);
    const empty = await upload('admin', 'e.csv', csv([['接收时间', '客户姓名', '电话', '主题', '描述']]), true);
    expect([empty.statusCode, code(empty)]).toEqual([422, 'import_empty']);
    const many = csv([['接收时间', '客户姓名', '电话', '主题', '描述'], ...Array.from({ length: imports.MAX_IMPORT_ROWS + 1 }, (_, i) => ['2026-11-02 10:00', '甲', '13000000001', `主题${i}`, '描述'])]);
    const tooMany = await upload('admin', 'many.csv', many, true);
    expect([tooMany.statusCode, code(tooMany)]).toEqual([413, 'import_too_many_rows']);
    const big = await upload('admin', 'big.csv', Buffer.alloc(imports.MAX_IMPORT_BYTES + 1, 0x41), true);
    expect([big.statusCode, code(big)]).toEqual([413, 'import_file_too_large']);
    const noFile = await t.as('admin', 'POST', '/api/v1/imports?dryRun=true', {});
    expect([noFile.statusCode, code(noFile)]).toEqual([422, 'import_file_required']);
  });

  it('reads CSV in UTF-8 with a BOM and GBK from Chinese Excel, with Chinese or English headers', async () => {
    const bom = await upload('admin', 'bom.csv', csv([['Received at', 'Customer name', 'Email', 'Subject', 'Description', 'Remarks'], ['2026-11-02 10:00', 'Li', 'li@example.com', 'Question', 'How?', 'x']], true), true);
    expect(bom.statusCode, bom.body).toBe(200);
    expect(bom.json()).toMatchObject({ encoding: 'utf-8', created: 1, failed: 0, ignoredColumns: ['Remarks'] });
    // 接收时间,渠道,客户姓名,电话,主题,描述 / 2026-11-03 14:00,信函,李雷,13900139000,来信反映快递延误,包裹一周未到 (GBK bytes)
    const gbk = Buffer.from(
      'bdd3cad5cab1bce42cc7feb5c02cbfcdbba7d0d5c3fb2cb5e7bbb02cd6f7cce22cc3e8caf60d0a323032362d31312d30332031343a30302cd0c5baaf2cc0eec0d72c31333930303133393030302cc0b4d0c5b7b4d3b3bfecb5ddd1d3cef32cb0fcb9fcd2bbd6dcceb4b5bd0d0a',
      'hex',
    );
    const g = await upload('admin', '来信.csv', gbk, true);
    expect(g.statusCode, g.body).toBe(200);
    expect(g.json()).toMatchObject({ encoding: 'gbk', totalRows: 1, created: 1, failed: 0 });
  });

  it('commits: each record a case through intake, from its original time, no acknowledgement mail, past deadlines breached without escalation', async () => {
    const known = await createCustomer(t.ctx, { name: '王芳', phone: '13800138000' }, systemActor('test'));
    const before = await countCases();
    const file = await xlsx([
      HEAD_ZH,
      // an Excel date cell: its wall time is the centre's (Monday 2026-11-02 10:30 in Shanghai)
      [new Date(Date.UTC(2026, 10, 2, 10, 30)), '电话', '王芳', '13800138000', '', '咨询', '产品质量', '热水器怎么用', '不会调温度', '上门指导', 'agent2@serviceloop.local', 'PAPER-0001'],
      ['2026-11-03 14:00', '信函', '李雷', '', 'li.lei@example.com', '投诉', '物流配送', '快递延误', '包裹一周未到', '赔偿运费', '', 'PAPER-0002'],
      // received this morning: its deadlines are still ahead, except the reception's (15 min)
      ['2026-12-07 09:30', '上门', '韩梅梅', '13700137000', 'han@example.com', '', '', '发票', '需要开发票', '', '', ''],
      ['2026-11-04 09:00', '电话', '无名', '', '', '', '', '主题', '描述', '', '', 'PAPER-0004'], // no contact: fails
    ]);
    const r = await upload('admin', '线下记录.xlsx', file);
    expect(r.statusCode, r.body).toBe(201);
    const s = r.json() as Summary;
    expect(s).toMatchObject({ totalRows: 4, created: 3, skipped: 0, failed: 1 });
    expect(s.rows).toEqual([{ row: 5, status: 'invalid', errors: [{ column: null, code: 'import_contact_required', message: expect.any(String) }], caseId: null, caseNumber: null }]);
    expect(await countCases()).toBe(before + 3);

    const created = await t.ctx.db.selectFrom('import_rows').innerJoin('cases', 'cases.id', 'import_rows.case_id').selectAll('cases').select('import_rows.row_no').where('import_rows.job_id', '=', s.jobId!).where('outcome', '=', 'created').orderBy('row_no').execute();
    const [phone, letter, walkIn] = created;
    // the original time of receipt, the case number of that day, the mapped channels, the staff who received it
    expect(phone).toMatchObject({ received_at: sh('2026-11-02T10:30:00'), channel: 'phone', type: 'inquiry', customer_id: known.id, received_by: t.seed.users.agent2!.id, external_ref: 'PAPER-0001', request: '上门指导' });
    expect(phone!.number).toMatch(/^SL-20261102-\d{4}$/);
    expect(letter).toMatchObject({ channel: 'import', type: 'complaint', complaint_grade: 'general', contact_email: 'li.lei@example.com', received_by: t.seed.users.admin!.id });
    expect(walkIn).toMatchObject({ channel: 'walk_in', received_at: sh('2026-12-07T09:30:00') });
    // a new customer made for an unknown contact, as intake does
    const liLei = await t.ctx.db.selectFrom('customers').selectAll().where('id', '=', letter!.customer_id!).executeTakeFirstOrThrow();
    expect(liLei).toMatchObject({ name: '李雷', email: 'li.lei@example.com' });

    // the import marking on the timeline, and intake's own events
    const tl = (await t.as('admin', 'GET', `/api/v1/cases/${letter!.id}`)).json() as { timeline: Array<{ type: string; visibility: string; data: Record<string, unknown> }> };
    expect(tl.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['created', 'classified', 'acknowledged', 'sla_applied', 'imported', 'sla_breach']));
    expect(tl.timeline.find((e) => e.type === 'imported')).toMatchObject({ visibility: 'internal', data: { importId: s.jobId, row: 3, sourceChannel: '信函', externalRef: 'PAPER-0002' } });

    // no acknowledgement mail for any of them
    const mails = await t.ctx.db.selectFrom('outbox').select(['case_id', 'topic']).where('case_id', 'in', created.map((c) => c.id)).execute();
    expect(mails.filter((m) => m.topic === 'email')).toEqual([]);

    // Commitments from the original time (standard calendar, Mon-Fri 09:00-12:00, 13:30-18:00):
    // Monday 2026-11-02 10:30 + reception 15 min = 10:45; first response 1 h = 11:30;
    // resolution 24 h: Monday 6 h (10:30-12:00, 13:30-18:00), Tuesday and Wednesday 7.5 h each (21 h),
    // Thursday 09:00-12:00 the last 3 h: Thursday 2026-11-05 12:00 (the end of a span is that instant).
    const targets = async (caseId: string) =>
      Object.fromEntries((await t.ctx.db.selectFrom('case_targets').selectAll().where('case_id', '=', caseId).execute()).map((x) => [x.kind, x]));
    const old = await targets(phone!.id);
    expect(old.reception).toMatchObject({ due_at: sh('2026-11-02T10:45:00'), state: 'breached', breached_at: sh('2026-11-02T10:45:00'), next_check_at: null });
    // every warning counted as passed, as the sweep records a breach (2: the default warnings at 75% and 90%)
    expect(old.resolution!.warned).toBe(2);
    expect(old.first_response).toMatchObject({ due_at: sh('2026-11-02T11:30:00'), state: 'breached', breached_at: sh('2026-11-02T11:30:00') });
    expect(old.resolution).toMatchObject({ due_at: sh('2026-11-05T12:00:00'), state: 'breached', breached_at: sh('2026-11-05T12:00:00') });
    // this morning's: reception (09:45) past, first response (10:30) still running
    const fresh = await targets(walkIn!.id);
    expect(fresh.reception).toMatchObject({ due_at: sh('2026-12-07T09:45:00'), state: 'breached' });
    expect(fresh.first_response).toMatchObject({ due_at: sh('2026-12-07T10:30:00'), state: 'running' });

    // the timer worker finds nothing of the past to escalate or announce; a deadline passing after the import is a breach as for any case
    clock.set(sh('2026-12-07T10:31:00'));
    const swept = await sweepDueTimers(t.ctx);
    expect(swept.breaches).toBe(1);
    const escalations = await t.ctx.db.selectFrom('case_escalations').select(['case_id', 'reason']).where('case_id', 'in', created.map((c) => c.id)).execute();
    expect(escalations).toEqual([{ case_id: walkIn!.id, reason: 'first_response_breached' }]);
    const notices = await t.ctx.db.selectFrom('outbox').select(['case_id', 'payload']).where('topic', '=', 'notify').execute();
    expect(notices.filter((n) => n.case_id === phone!.id || n.case_id === letter!.id)).toEqual([]);
    expect(await t.ctx.db.selectFrom('remedies').select('case_id').where('case_id', 'in', [phone!.id, letter!.id]).execute()).toEqual([]);
    clock.set(sh('2026-12-07T10:00:00'));

    // one audit entry per case (by the importer) and one for the import
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'target_id', 'after']).where('actor_id', '=', t.seed.users.admin!.id).where('action', 'in', ['case.create', 'case.import']).execute();
    expect(audit.filter((a) => a.action === 'case.create' && created.some((c) => c.id === a.target_id))).toHaveLength(3);
    const imp = audit.find((a) => a.action === 'case.import' && a.target_id === s.jobId)!;
    expect(JSON.parse(imp.after!)).toMatchObject({ fileName: '线下记录.xlsx', created: 3, skipped: 0, failed: 1 });

    // the same file again creates nothing, and says which case each record became
    const again = await upload('admin', '线下记录.xlsx', file);
    expect(again.statusCode, again.body).toBe(201);
    const s2 = again.json() as Summary;
    expect(s2).toMatchObject({ created: 0, skipped: 3, failed: 1 });
    expect(s2.rows.filter((x) => x.status === 'duplicate').map((x) => [x.row, x.caseNumber, x.errors[0]!.code])).toEqual([
      [2, phone!.number, 'import_already_imported'],
      [3, letter!.number, 'import_already_imported'],
      [4, walkIn!.number, 'import_already_imported'],
    ]);
    expect(await countCases()).toBe(before + 3);
    // and so does the dry run
    expect((await upload('supervisor', 'copy.xlsx', file, true)).json()).toMatchObject({ created: 0, skipped: 3, failed: 1 });

    // the history: who imported what when, counts; each import's error report
    const hist = (await t.as('supervisor', 'GET', '/api/v1/imports')).json() as Array<{ id: string; fileName: string; created: number; skipped: number; failed: number; createdByName: string; status: string }>;
    expect(hist.slice(0, 2).map((h) => [h.id, h.fileName, h.status, h.created, h.skipped, h.failed])).toEqual([
      [s2.jobId, '线下记录.xlsx', 'completed', 0, 3, 1],
      [s.jobId, '线下记录.xlsx', 'completed', 3, 0, 1],
    ]);
    expect(hist[0]!.createdByName).toBe(t.seed.users.admin!.name);
    const detail = (await t.as('admin', 'GET', `/api/v1/imports/${s2.jobId}`)).json() as { rows: Summary['rows'] };
    expect(detail.rows.map((x) => [x.row, x.status, x.caseNumber])).toEqual([
      [2, 'duplicate', phone!.number],
      [3, 'duplicate', letter!.number],
      [4, 'duplicate', walkIn!.number],
      [5, 'invalid', null],
    ]);
    const report = await t.as('admin', 'GET', `/api/v1/imports/${s.jobId}/errors.csv?lang=zh`);
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toContain('text/csv');
    const lines = report.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('行号,列,结果,代码,说明,已有工单');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['5,,失败,import_contact_required']);
    expect((await t.as('admin', 'GET', '/api/v1/imports/nope')).statusCode).toBe(404);
  });

  // a few hundred rows through the intake batcher (several batches, many in flight); the 5,000-row timing: bench/tools/import-rows.ts
  it('imports a few hundred records at once, each once', async () => {
    const N = 300;
    const rows = Array.from({ length: N }, (_, i) => [
      `2026-11-${String(2 + (i % 25)).padStart(2, '0')} ${String(9 + (i % 8)).padStart(2, '0')}:15`,
      i % 3 === 0 ? '电话' : i % 3 === 1 ? '信函' : '上门',
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
    ]);
    const file = csv([HEAD_ZH, ...rows]);
    const before = await countCases();
    const r = await upload('admin', 'bulk.csv', file);
    expect(r.statusCode, r.body.slice(0, 500)).toBe(201);
    expect(r.json()).toMatchObject({ created: N, failed: 0, skipped: 0 });
    expect(await countCases()).toBe(before + N);
    const refs = await t.ctx.db.selectFrom('cases').select('external_ref').where('external_ref', 'like', 'BULK-%').execute();
    expect(new Set(refs.map((x) => x.external_ref)).size).toBe(N);
  });

  it('stops at a failure of the database: no row is started after it, the job says interrupted with what it created, and the same file again does the rest', async () => {
    const N = 300; // more than the rows in flight at once (256)
    const file = csv([
      ['接收时间', '客户姓名', '电话', '主题', '描述', '外部编号'],
      ...Array.from({ length: N }, (_, i) => ['2026-11-10 10:00', `断线${i}`, `137${String(i).padStart(8, '0')}`, '来电', '描述', `CUT-${i}`]),
    ]);
    const cut = async () => Number((await t.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).where('external_ref', 'like', 'CUT-%').executeTakeFirstOrThrow()).n);
    const batched = t.ctx.batched!;
    let calls = 0;
    t.ctx.batched = (fn, hint) => (++calls === 10 ? Promise.reject(new Error('connection lost')) : batched(fn, hint));
    try {
      const r = await upload('admin', 'cut.csv', file);
      expect(r.statusCode).toBe(500);
      const right = await cut();
      await new Promise((res) => setTimeout(res, 500));
      expect(await cut()).toBe(right); // nothing goes on behind the answer
      expect(right).toBe(255); // the rows in flight when it failed, but the one that failed
      const job = await t.ctx.db.selectFrom('import_jobs').selectAll().where('file_name', '=', 'cut.csv').executeTakeFirstOrThrow();
      expect([job.status, job.created_count]).toEqual(['interrupted', right]);
    } finally {
      t.ctx.batched = batched;
    }
    const again = await upload('admin', 'cut.csv', file);
    expect(again.statusCode, again.body.slice(0, 300)).toBe(201);
    expect(again.json()).toMatchObject({ created: N - 255, skipped: 255, failed: 0 });
    expect(await cut()).toBe(N);
  });
});
