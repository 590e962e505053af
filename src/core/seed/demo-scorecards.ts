import type { Ctx } from '../context.ts';
import type { Actor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import { createAssessment, DEFAULT_SCORECARD_CONFIG, publishAssessment, updateScorecardConfig } from '../modules/scorecards/index.ts';
import { updateUser, type UserView } from '../modules/users/index.ts';
import { HOUR } from './demo-time.ts';

/** 岗位 of the demo staff: scorecards break down by it. */
const POSTS: Array<[string, string]> = [
  ['agent', '一线坐席'],
  ['agent2', '一线坐席'],
  ['agent3', '一线坐席'],
  ['agent4', '一线坐席'],
  ['agent5', '一线坐席'],
  ['tech', '二线专家'],
  ['tech2', '二线专家'],
  ['supervisor', '班长'],
  ['supervisor2', '班长'],
  ['inspector', '质检员'],
];

/** The month before `now`'s (UTC+8), as YYYY-MM. */
const lastMonth = (now: number) => {
  const d = new Date(now + 8 * HOUR);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth(); // 0-based: the previous month's 1-based number
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
};

/**
 * Appraisal in the demo (SPEC 7): the staff's posts, the scorecard weights saved by the admin, and
 * last month's supervision assessment of the service centre published by the director, with a
 * reward and a discipline. Returns the assessment's total.
 */
export async function loadDemoScorecards(ctx: Ctx, now: number, users: Record<string, UserView>, staff: { admin: Actor; director: Actor; centreId: string; aftersalesId: string }): Promise<number> {
  const at = (t: number): Ctx => ({ ...ctx, clock: new ManualClock(t) });
  const t0 = now - 2 * HOUR;
  for (const [k, post] of POSTS) if (users[k]) await updateUser(at(t0), users[k].id, { post }, staff.admin);
  await updateScorecardConfig(at(t0), DEFAULT_SCORECARD_CONFIG, staff.admin);
  const a = await createAssessment(
    at(t0 + HOUR / 2),
    {
      month: lastMonth(now),
      departmentId: staff.centreId,
      scores: [
        { key: 'acceptance', score: 27 },
        { key: 'maintenance', score: 19 },
        { key: 'complaints', score: 21 },
        { key: 'conduct', score: 18 },
      ],
      comment: '服务受理及时规范；主动维护回访覆盖不足，下月须补齐重点客户回访。',
      entries: [
        { kind: 'reward', targetUserId: users.agent!.id, reason: '妥善处理重大投诉，获客户书面表扬', points: 5, amount: 300 },
        { kind: 'discipline', targetTeamId: staff.aftersalesId, reason: '两次上门维修未按约定时间到达', points: -2 },
      ],
    },
    staff.director,
  );
  await publishAssessment(at(t0 + HOUR), a.id, staff.director);
  return a.total;
}
