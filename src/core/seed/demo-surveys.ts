import type { Ctx } from '../context.ts';
import { ManualClock } from '../shared/clock.ts';
import { closeRecoveryTask, recordAnswer, type SurveyAnswerInput } from '../modules/surveys/index.ts';
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
