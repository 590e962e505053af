import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { addMonthsInZone, createSurveyWaveWorker, nextRunAfter, runDueWaves, type RecoveryTaskView, type SurveyReport, type WaveResults, type WaveView } from '../../src/core/modules/surveys/index.ts';
import { REDACTED } from '../../src/core/modules/privacy/erase.service.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

/** A wall time in the centre's zone (Asia/Shanghai, UTC+8). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);
const DAY = 86_400_000;
const TZ = 'Asia/Shanghai';

// SPEC 6 "and periodically": periodic (relationship) survey waves, 定期满意度调查.
describe('the schedule of a recurring wave (pure)', () => {
  it('runs again 1 or 3 months later at the same wall time in Asia/Shanghai, a day past the month end being its last day, never drifting', () => {
    const jan31 = sh('2027-01-31T09:00:00');
    expect(addMonthsInZone(jan31, 1, TZ)).toBe(sh('2027-02-28T09:00:00'));
    expect(addMonthsInZone(jan31, 2, TZ)).toBe(sh('2027-03-31T09:00:00'));
    expect(addMonthsInZone(jan31, 3, TZ)).toBe(sh('2027-04-30T09:00:00'));
    expect(addMonthsInZone(sh('2026-11-30T23:30:00'), 3, TZ)).toBe(sh('2027-02-28T23:30:00')); // 15:30 UTC, next year
    // after the first run: the next slot; a server down for months runs the first slot after now, once
    expect(nextRunAfter('quarterly', jan31, 1, jan31, TZ)).toBe(sh('2027-04-30T09:00:00'));
    expect(nextRunAfter('monthly', jan31, 2, sh('2027-02-28T09:00:00'), TZ)).toBe(sh('2027-03-31T09:00:00'));
    expect(nextRunAfter('monthly', jan31, 1, sh('2027-06-01T00:00:00'), TZ)).toBe(sh('2027-06-30T09:00:00'));
    expect(nextRunAfter('once', jan31, 1, jan31, TZ)).toBeNull();
  });
});

describe.each(DIALECTS)('periodic survey waves on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  const sys = systemActor('test');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    clock.set(sh('2026-12-01T10:00:00'));
    const mk = async (key: string, tier: 'vip' | 'normal', email: string | null) =>
      (ids[key] = (await createCustomer(t.ctx, { name: `客户${key}`, email, tier, locale: key === 'A1' ? 'en' : 'zh-CN' }, sys)).id);
    for (const k of ['A1', 'A2', 'A3', 'B', 'C']) await mk(k, 'vip', `${k.toLowerCase()}-wave@example.com`);
    await mk('D', 'vip', null);
    await mk('E', 'normal', 'e-wave@example.com');
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const ok = async <T>(who: string, method: string, url: string, body?: unknown, status = 200): Promise<T> => {
    const r = await t.as(who, method, url, body);
    expect(r.statusCode, r.body).toBe(status);
    return r.json() as T;
  };
  const invitations = async () =>
    (await t.ctx.db.selectFrom('outbox').select('payload').where('topic', '=', 'email').where('payload', 'like', '%survey_wave_invitation%').execute()).map(
      (r) => JSON.parse(r.payload) as { to: string; locale: string; vars: { link: string; name: string }; consent: { customerId: string; purpose: string } },
    );
  const tokenFor = async (email: string) => (await invitations()).find((m) => m.to === email)!.vars.link.split('/survey/')[1]!;

  it('lets leads read and only a manager or the director create, launch or cancel; bad input is refused with a code', async () => {
    expect((await t.as('agent', 'GET', '/api/v1/survey-waves')).statusCode).toBe(403);
    expect((await t.as('inspector', 'GET', '/api/v1/survey-waves')).statusCode).toBe(403);
    const body = { name: '试探', schedule: 'once', audience: { all: true }, startAt: sh('2027-06-01T09:00:00') };
    for (const who of ['agent', 'supervisor', 'admin']) expect((await t.as(who, 'POST', '/api/v1/survey-waves', body)).statusCode).toBe(403);
    expect(await ok<WaveView[]>('supervisor', 'GET', '/api/v1/survey-waves')).toEqual([]);
    const empty = await t.as('manager', 'POST', '/api/v1/survey-waves', { ...body, audience: {} });
    expect([empty.statusCode, code(empty)]).toEqual([422, 'audience_empty']);
    const weekly = await t.as('manager', 'POST', '/api/v1/survey-waves', { ...body, schedule: 'weekly' });
    expect([weekly.statusCode, code(weekly)]).toEqual([400, 'validation_failed']);
    const unknown = await t.as('manager', 'POST', '/api/v1/survey-waves', { ...body, audience: { customerIds: ['nobody'] } });
    expect([unknown.statusCode, code(unknown)]).toEqual([404, 'customer_not_found']);
    const w = await ok<WaveView>('director', 'POST', '/api/v1/survey-waves', body, 201);
    expect((await t.as('supervisor', 'POST', `/api/v1/survey-waves/${w.id}/launch`)).statusCode).toBe(403);
    expect((await t.as('agent', 'GET', `/api/v1/survey-waves/${w.id}`)).statusCode).toBe(403);
    expect((await ok<WaveView>('director', 'POST', `/api/v1/survey-waves/${w.id}/cancel`)).status).toBe('cancelled');
    const again = await t.as('director', 'POST', `/api/v1/survey-waves/${w.id}/launch`);
    expect([again.statusCode, code(again)]).toEqual([409, 'wave_not_scheduled']);
    clock.set(sh('2027-06-02T09:00:00'));
    expect(await runDueWaves(t.ctx)).toEqual([]); // cancelled: never runs
    clock.set(sh('2026-12-01T10:00:00'));
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', w.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['survey.wave.create', 'survey.wave.cancel']);
  });

  it('runs a wave once to its audience, skipping opted-out, recently surveyed and unreachable customers with the reason; results worked out by hand', async () => {
    // C was sent a resolution survey 5 days ago (quiet period 30 days)
    clock.set(sh('2026-11-26T10:00:00'));
    const made = await ok<{ id: string }>('agent', 'POST', '/api/v1/cases', { channel: 'email', customerId: ids.C, contact: { name: '客户C', email: 'c-wave@example.com' }, subject: '发票', description: '开票' }, 201);
    await ok('agent', 'POST', `/api/v1/cases/${made.id}/take`, {});
    await ok('agent', 'POST', `/api/v1/cases/${made.id}/resolve`, { cause: '无', solution: '已开票' });
    // B opted out of surveys
    const granted = await ok<{ id: string }>('agent', 'POST', `/api/v1/customers/${ids.B}/consents`, { purpose: 'satisfaction_survey', channel: 'phone' }, 201);
    await ok('agent', 'POST', `/api/v1/customers/${ids.B}/consents/${granted.id}/withdraw`, { reason: '不想再收到调查' });

    clock.set(sh('2026-12-01T10:00:00'));
    const w = await ok<WaveView>('manager', 'POST', '/api/v1/survey-waves', { name: '2026Q4 VIP 定期满意度调查', schedule: 'quarterly', audience: { tier: 'vip' }, quietDays: 30, startAt: sh('2026-12-01T09:00:00') }, 201);
    expect(w).toMatchObject({ status: 'scheduled', scale: 5, expiryDays: 14, nextRunAt: sh('2026-12-01T09:00:00'), runs: 0 });
    // already due: launching brings its first run to now; two workers then find nothing left
    const run = await ok<{ sent: number; notSent: number; runAt: number }>('manager', 'POST', `/api/v1/survey-waves/${w.id}/launch`);
    expect(run).toMatchObject({ sent: 3, notSent: 3, runAt: sh('2026-12-01T10:00:00') });
    expect([...(await runDueWaves(t.ctx)), ...(await runDueWaves(t.ctx))]).toEqual([]);
    const twice = await t.as('manager', 'POST', `/api/v1/survey-waves/${w.id}/launch`);
    expect([twice.statusCode, code(twice)]).toEqual([409, 'wave_already_started']);

    const mails = await invitations();
    expect(mails.map((m) => m.to).sort()).toEqual(['a1-wave@example.com', 'a2-wave@example.com', 'a3-wave@example.com']);
    expect(mails.find((m) => m.to === 'a1-wave@example.com')).toMatchObject({ locale: 'en', consent: { customerId: ids.A1, purpose: 'satisfaction_survey' } });

    // the same page as a resolution survey's, about the service in general
    const a1 = await tokenFor('a1-wave@example.com');
    const a2 = await tokenFor('a2-wave@example.com');
    expect(await ok('supervisor', 'GET', `/api/v1/public/surveys/${a1}`)).toMatchObject({ periodic: true, scale: 5, caseNumber: '' });
    const page = await t.app.inject({ method: 'GET', url: `/survey/${a2}` });
    expect(page.body).toContain('请对近期我们为您提供的服务进行整体评价');
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/public/surveys/${a1}`, payload: { csat: 5, attitude: 5, nps: 10, comment: '一直很好' } })).statusCode).toBe(201);
    const low = await t.app.inject({ method: 'POST', url: `/api/v1/public/surveys/${a2}`, payload: { csat: 2, nps: 3, comment: '响应太慢' } });
    expect([low.statusCode, (low.json() as { band: string }).band]).toEqual([201, 'dissatisfied']);
    const dup = await t.app.inject({ method: 'POST', url: `/api/v1/public/surveys/${a2}`, payload: { csat: 5 } });
    expect([dup.statusCode, code(dup)]).toEqual([409, 'survey_answered']);

    // sent 3 (A1-A3), not sent 3; answered 2: rate 2/3; CSAT (5 + 2) / 2; NPS 1 promoter - 1 detractor over 2 = 0; attitude 5 (one answer)
    const r = await ok<WaveResults>('supervisor', 'GET', `/api/v1/survey-waves/${w.id}`);
    expect(r.notSentBy).toEqual({ opted_out: 1, quiet_period: 1, no_email: 1 });
    expect(r.report).toMatchObject({ issued: 6, notSent: 3, sent: 3, answered: 2, csatMean: 3.5, satisfied: 1, dissatisfied: 1, npsAnswers: 2, promoters: 1, detractors: 1, nps: 0 });
    expect(r.report.responseRate).toBeCloseTo(2 / 3, 10);
    expect(r.report.dimensions).toEqual({ attitude: 5, speed: null, solution: null, completeness: null });
    expect(r.runs).toEqual([{ runAt: sh('2026-12-01T10:00:00'), sent: 3, notSent: 3, answered: 2 }]);
    // quarterly: three months after the first run, same wall time
    expect(r.wave).toMatchObject({ status: 'scheduled', runs: 1, lastRunAt: sh('2026-12-01T10:00:00'), nextRunAt: sh('2027-03-01T10:00:00'), sent: 3, answered: 2 });

    // the low score: the same recovery task, to a supervisor, without a case
    const tasks = await ok<RecoveryTaskView[]>('manager', 'GET', '/api/v1/surveys/recovery-tasks?scope=all');
    const task = tasks.find((x) => x.customerId === ids.A2)!;
    expect(task).toMatchObject({ caseId: null, customerName: '客户A2', csat: 2, scale: 5, comment: '响应太慢', assigneeId: t.seed.users.supervisor!.id, status: 'open' });
    expect((await ok<RecoveryTaskView>('supervisor', 'POST', `/api/v1/surveys/recovery-tasks/${task.id}/close`, { outcome: '已致电道歉' })).status).toBe('closed');

    // the survey report: the resolution surveys' figures without them, the periodic ones as their own line; none in an agent's
    const report = await ok<SurveyReport>('manager', 'GET', `/api/v1/surveys/report?from=${sh('2026-11-01T00:00:00')}&to=${sh('2026-12-31T00:00:00')}`);
    expect([report.issued, report.answered]).toEqual([1, 0]);
    expect(report.periodic).toMatchObject({ issued: 6, sent: 3, answered: 2, csatMean: 3.5, nps: 0 });
    const agent = await ok<SurveyReport>('manager', 'GET', `/api/v1/surveys/report?agentId=${t.seed.users.agent!.id}`);
    expect([agent.answered, agent.periodic]).toEqual([0, null]);

    // the next quarter: a new run; A1 and A2 (surveyed 3 months ago, quiet 30 days) are asked again, once
    clock.set(sh('2027-03-01T10:00:00'));
    const worker = createSurveyWaveWorker(t.ctx);
    const [x, y] = await Promise.all([worker.runOnce(), worker.runOnce()]);
    expect(x.marked + y.marked).toBe(1);
    const next = await ok<WaveResults>('manager', 'GET', `/api/v1/survey-waves/${w.id}`);
    expect(next.runs.map((u) => [u.runAt, u.sent, u.notSent])).toEqual([
      [sh('2026-12-01T10:00:00'), 3, 3],
      [sh('2027-03-01T10:00:00'), 4, 2],
    ]);
    expect(next.wave.nextRunAt).toBe(sh('2027-06-01T10:00:00'));
    expect(await invitations()).toHaveLength(7);
  });

  it('erasing a customer redacts their periodic answers and recovery notes and expires their open link', async () => {
    const link = await tokenFor('a2-wave@example.com'); // (the first run's, answered)
    const open = (await t.ctx.db.selectFrom('survey_wave_surveys').select('status').where('customer_id', '=', ids.A2!).execute()).map((r) => r.status).sort();
    expect(open).toEqual(['answered', 'pending']);
    const e = await t.as('director', 'POST', `/api/v1/customers/${ids.A2}/erase`, { reason: '客户要求删除个人信息 (DSR-W)' });
    expect(e.statusCode, e.body).toBe(200);
    const rows = await t.ctx.db.selectFrom('survey_wave_surveys').select(['status', 'comment', 'csat']).where('customer_id', '=', ids.A2!).orderBy('issued_at').execute();
    expect(rows).toEqual([
      { status: 'answered', comment: REDACTED, csat: 2 },
      { status: 'expired', comment: null, csat: null },
    ]);
    const task = await t.ctx.db.selectFrom('survey_recovery_tasks').select(['outcome']).where('customer_id', '=', ids.A2!).executeTakeFirstOrThrow();
    expect(task.outcome).toBe(REDACTED);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/public/surveys/${link}` })).statusCode).toBe(409);
  });

  it('asks each customer of a one-off wave exactly once however many workers run, then completes it', async () => {
    clock.set(sh('2027-04-10T09:00:00'));
    const w = await ok<WaveView>('director', 'POST', '/api/v1/survey-waves', { name: '近 30 天有工单的客户', schedule: 'once', audience: { caseWithinDays: 200, customerIds: [ids.C!, ids.E!] }, quietDays: 0 }, 201);
    const before = (await invitations()).length;
    const runs = (await Promise.all([runDueWaves(t.ctx), runDueWaves(t.ctx), runDueWaves(t.ctx)])).flat();
    expect(runs.map((r) => [r.waveId, r.sent, r.notSent])).toEqual([[w.id, 1, 0]]); // C had a case in the last 200 days, E none
    const rows = await t.ctx.db.selectFrom('survey_wave_surveys').select(['customer_id']).where('wave_id', '=', w.id).execute();
    expect(rows.map((r) => r.customer_id)).toEqual([ids.C]);
    expect((await invitations()).length - before).toBe(1);
    const after = (await ok<WaveView[]>('supervisor', 'GET', '/api/v1/survey-waves')).find((v) => v.id === w.id)!;
    expect(after).toMatchObject({ status: 'completed', nextRunAt: null, runs: 1, sent: 1, answered: 0, responseRate: 0 });
  });

  it.runIf(dialect === 'postgres')('runs a due slot once when two nodes reach it together (both past the due read, both waiting on the row)', async () => {
    clock.set(sh('2027-04-20T09:00:00'));
    const w = await ok<WaveView>('director', 'POST', '/api/v1/survey-waves', { name: '月度 E', schedule: 'monthly', audience: { customerIds: [ids.E!] }, quietDays: 0 }, 201);
    const before = (await invitations()).length;
    // a third connection holds the wave's row: both runners read it due, then both wait on its lock
    let racing: Promise<Awaited<ReturnType<typeof runDueWaves>>[]> | undefined;
    await t.ctx.db.transaction().execute(async (trx) => {
      await trx.selectFrom('survey_waves').select('id').where('id', '=', w.id).forUpdate().execute();
      racing = Promise.all([runDueWaves(t.ctx), runDueWaves(t.ctx)]);
      for (let i = 0; ; i++) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(t.ctx.db);
        if (rows[0]!.n >= 2) break;
        if (i > 200) throw new Error('the two runners never both waited on the wave');
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    const runs = (await racing!).flat();
    expect(runs.map((r) => [r.waveId, r.sent])).toEqual([[w.id, 1]]);
    expect((await invitations()).length - before).toBe(1);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', w.id).where('action', '=', 'survey.wave.run').execute();
    expect(audit).toHaveLength(1);
    await ok('director', 'POST', `/api/v1/survey-waves/${w.id}/cancel`);
  });

  it("asks a monthly wave's customers every month with the default 30-day quiet period (its own runs do not count; another wave's do)", async () => {
    clock.set(sh('2027-06-01T09:00:00'));
    const w = await ok<WaveView>('director', 'POST', '/api/v1/survey-waves', { name: '月度 E', schedule: 'monthly', audience: { customerIds: [ids.E!] } }, 201);
    const other = await ok<WaveView>('director', 'POST', '/api/v1/survey-waves', { name: '一次 E', schedule: 'once', audience: { customerIds: [ids.E!] }, startAt: sh('2027-06-15T09:00:00') }, 201);
    const mine = async () => (await runDueWaves(t.ctx)).filter((r) => r.waveId === w.id || r.waveId === other.id).map((r) => [r.waveId, r.sent, r.notSent]);
    expect(await mine()).toEqual([[w.id, 1, 0]]);
    clock.set(sh('2027-06-15T09:00:00'));
    expect(await mine()).toEqual([[other.id, 0, 1]]); // E was asked by the monthly wave 14 days ago
    clock.set(sh('2027-07-01T09:00:00')); // 30 days on; E was asked by it on 1 June (and no other wave sent to E)
    expect(await mine()).toEqual([[w.id, 1, 0]]);
    await ok('director', 'POST', `/api/v1/survey-waves/${w.id}/cancel`);
  });

  it("gives a periodic low score's recovery task to the lead of the customer's account manager's team, listed in that team's scope", async () => {
    clock.set(sh('2027-04-21T09:00:00'));
    await ok('supervisor', 'PATCH', `/api/v1/customers/${ids.A3}/profile`, { accountManagerId: t.seed.users.tech!.id });
    await ok<WaveView>('director', 'POST', '/api/v1/survey-waves', { name: 'A3', schedule: 'once', audience: { customerIds: [ids.A3!] }, quietDays: 0 }, 201);
    expect((await runDueWaves(t.ctx)).map((r) => r.sent)).toEqual([1]);
    const link = (await invitations()).filter((m) => m.to === 'a3-wave@example.com').at(-1)!.vars.link.split('/survey/')[1]!;
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/public/surveys/${link}`, payload: { csat: 1, comment: '上门太慢' } })).statusCode).toBe(201);
    const mine = await ok<RecoveryTaskView[]>('supervisor2', 'GET', '/api/v1/surveys/recovery-tasks?scope=team');
    expect(mine.find((x) => x.customerId === ids.A3)).toMatchObject({ caseId: null, teamId: t.seed.teams.aftersales, assigneeId: t.seed.users.supervisor2!.id, comment: '上门太慢' });
    const other = await ok<RecoveryTaskView[]>('supervisor', 'GET', '/api/v1/surveys/recovery-tasks?scope=team');
    expect(other.find((x) => x.customerId === ids.A3)).toBeUndefined();
  });

  it("puts the customer's periodic surveys and answers in their data export", async () => {
    const x = await ok<{ periodicSurveys: Array<Record<string, unknown>> }>('director', 'GET', `/api/v1/customers/${ids.A1}/export`);
    expect(x.periodicSurveys.slice(0, 2).map((p) => [p.waveName, p.status, p.csat, p.nps, p.comment])).toEqual([ // (the quarterly wave's first two runs)
      ['2026Q4 VIP 定期满意度调查', 'answered', 5, 10, '一直很好'],
      ['2026Q4 VIP 定期满意度调查', 'pending', null, null, null],
    ]);
    expect(JSON.stringify(x)).not.toContain('token');
    const b = await ok<{ periodicSurveys: Array<Record<string, unknown>> }>('director', 'GET', `/api/v1/customers/${ids.B}/export`);
    expect(new Set(b.periodicSurveys.map((p) => `${p.status} ${p.notSentReason}`))).toEqual(new Set(['not_sent opted_out']));
    expect(b.periodicSurveys.length).toBeGreaterThan(0);
  });
});
