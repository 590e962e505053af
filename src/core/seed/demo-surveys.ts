import type { Ctx } from '../context.ts';
import { ManualClock } from '../shared/clock.ts';
import { closeRecoveryTask, createWave, recordAnswer, runDueWaves, type SurveyAnswerInput } from '../modules/surveys/index.ts';
import { recordWaveAnswer } from '../modules/surveys/wave.service.ts';
import type { Actor } from '../shared/actor.ts';
import { Rng } from './prng.ts';

const HOUR = 3_600_000;
const COMMENTS: Record<number, [string, string][]> = {
  5: [['处理很及时，态度也很好，谢谢！', 'Quick and friendly, thank you!'], ['问题一次就解决了。', 'Solved at the first try.']],
  4: [['整体满意，希望回复再快一点。', 'Good overall; replies could be a bit faster.']],
  3: [['问题解决了，但等了比较久。', 'It was solved, but it took a long time.']],
  2: [['来回沟通了好几次才解决。', 'It took several rounds to get it sorted.']],
  1: [['问题没有真正解决，很失望。', 'The problem was not really solved. Disappointed.']],
};

/**
 * Answers to the surveys the demo history's resolutions issued (surveys module, SPEC 6): about 45%
 * of them, a few hours to three days after each, with mostly good scores and some low ones (whose
 * recovery tasks open, and those older than two days are closed by the supervisor with a note),
 * so the satisfaction report and the recovery list show figures.
 */
export async function loadDemoSurveys(ctx: Ctx, now: number, seed: number, manager: Actor): Promise<number> {
  const r = new Rng(`${seed}:surveys`);
  const pending = await ctx.db.selectFrom('surveys').selectAll().where('status', '=', 'pending').orderBy('issued_at').orderBy('id').execute();
  let answered = 0;
  for (const s of pending) {
    if (!r.chance(0.45)) continue;
    const at = Number(s.issued_at) + r.int(1, 72) * HOUR;
    if (at >= now || at >= Number(s.expires_at)) continue;
    const u = r.next();
    const five = u < 0.45 ? 5 : u < 0.75 ? 4 : u < 0.88 ? 3 : u < 0.95 ? 2 : 1;
    const csat = s.scale === 10 ? Math.min(10, five * 2 - r.int(0, 1)) : five;
    const near = () => Math.max(1, Math.min(s.scale, csat + r.int(-1, 1)));
    const pick = COMMENTS[five]![r.int(0, COMMENTS[five]!.length - 1)]!;
    const input: SurveyAnswerInput = {
      csat,
      ...(r.chance(0.8) ? { attitude: near(), speed: near(), solution: near(), completeness: near() } : {}),
      ...(r.chance(0.7) ? { nps: [0, r.int(0, 3), r.int(2, 5), r.int(5, 7), r.int(7, 9), r.int(9, 10)][five]! } : {}),
      ...(r.chance(0.5) ? { comment: s.locale.startsWith('zh') ? pick[0] : pick[1] } : {}),
    };
    const at_ = { ...ctx, clock: new ManualClock(at) };
    await ctx.db.transaction().execute((trx) => recordAnswer(at_, trx, s, input));
    answered++;
  }
  answered += await loadDemoWave(ctx, now, r, manager);
  const tasks = await ctx.db.selectFrom('survey_recovery_tasks').select(['id', 'created_at', 'assignee_id']).where('status', '=', 'open').execute();
  for (const t of tasks) {
    const closeAt = Number(t.created_at) + r.int(2, 20) * HOUR;
    if (closeAt > now - 2 * 24 * HOUR) continue;
    const u = t.assignee_id ? await ctx.db.selectFrom('users').select(['id', 'name', 'role', 'team_id']).where('id', '=', t.assignee_id).executeTakeFirst() : undefined;
    const by: Actor = u ? { ...manager, id: u.id, name: u.name, role: u.role as Actor['role'], teamId: u.team_id } : manager;
    await closeRecoveryTask({ ...ctx, clock: new ManualClock(closeAt) }, t.id, '已电话回访客户并致歉，说明了改进措施，客户表示理解。', by);
  }
  return answered;
}

const DAY = 24 * HOUR;

/**
 * One completed quarterly periodic survey (定期满意度调查) of the key and VIP customers: its run 80
 * days ago (the next in ten days), about half of the sent answered within a week (the low ones open
 * recovery tasks, closed with the others above). Returns how many answered.
 */
async function loadDemoWave(ctx: Ctx, now: number, r: Rng, manager: Actor): Promise<number> {
  const start = now - 80 * DAY;
  const at = (ms: number) => ({ ...ctx, clock: new ManualClock(ms) });
  await createWave(at(start - DAY), { name: '重点客户季度满意度调查', schedule: 'quarterly', audience: { tier: 'key' }, quietDays: 30, startAt: start }, manager);
  await runDueWaves(at(start));
  const pending = await ctx.db.selectFrom('survey_wave_surveys').selectAll().where('status', '=', 'pending').orderBy('id').execute();
  let answered = 0;
  for (const s of pending) {
    if (!r.chance(0.5)) continue;
    const u = r.next();
    const csat = u < 0.5 ? 5 : u < 0.8 ? 4 : u < 0.92 ? 3 : 2;
    const input: SurveyAnswerInput = { csat, attitude: csat, speed: Math.max(1, csat - r.int(0, 1)), solution: csat, completeness: csat, nps: [0, 2, 5, 7, 8, 10][csat]! - r.int(0, 1) };
    await ctx.db.transaction().execute((trx) => recordWaveAnswer(at(start + r.int(2, 150) * HOUR), trx, s, input));
    answered++;
  }
  return answered;
}
