import type { Ctx } from '../context.ts';
import type { Actor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import { appealInspection, createPlan, createRubric, drawPlan, listInspections, scoreInspection } from '../modules/quality/index.ts';
import type { Role } from '../modules/users/index.ts';
import { DAY, HOUR } from './demo-time.ts';

/** Points of the five criteria (30, 20, 20, 20, 10) for the demo's scored inspections, in turn. */
const SCORES: Array<[number, number, number, number, number]> = [
  [26, 16, 18, 15, 10],
  [30, 18, 20, 18, 10],
  [22, 12, 14, 12, 10],
  [28, 20, 16, 20, 5],
  [27, 18, 20, 17, 10],
];

/**
 * Quality inspection in the demo (SPEC 7): the Chinese rubric, a weekly plan over the front line
 * drawn for last week (three cases an agent, complaints always), five of the tasks scored (one
 * failing its critical 信息安全 item) and one appeal waiting for the supervisor. Returns how many
 * inspections were submitted.
 */
export async function loadDemoQuality(ctx: Ctx, now: number, staff: { manager: Actor; inspector: Actor; frontlineTeamId: string; appealAgentId: string }): Promise<number> {
  const at = (t: number): Ctx => ({ ...ctx, clock: new ManualClock(t) });
  const t0 = now - 3 * DAY;
  const rubric = await createRubric(
    at(t0),
    {
      name: '通用服务质检表',
      description: '适用于电话、在线和邮件工单',
      passScore: 60,
      active: true,
      criteria: [
        { id: 'attitude', name: '服务态度', description: '礼貌、耐心，主动致歉与安抚', points: 30, critical: false },
        { id: 'wording', name: '规范用语', description: '使用标准问候与结束语，无服务禁语', points: 20, critical: false },
        { id: 'timely', name: '响应及时', description: '首次响应与进度告知符合服务承诺', points: 20, critical: false },
        { id: 'solved', name: '问题解决', description: '准确判断问题，给出完整方案并确认客户理解', points: 20, critical: false },
        { id: 'security', name: '信息安全', description: '核实身份后再透露信息，不泄露客户隐私', points: 10, critical: true },
      ],
    },
    staff.manager,
  );
  const plan = await createPlan(at(t0 + HOUR), { name: '一线服务组周抽检', teamId: staff.frontlineTeamId, period: 'week', mode: 'count', amount: 3, rubricId: rubric.id, seed: 'demo', active: true }, staff.manager);
  // drawn for the week before the one three days ago
  await drawPlan(at(t0 + 2 * HOUR), plan.id, undefined, staff.inspector);
  const drawn = (await listInspections(at(t0 + 3 * HOUR), { planId: plan.id, status: 'pending', limit: 100 }, staff.inspector)).items;
  // one task of each agent first (the demo's agent@ login among them), then the rest
  const firsts = [...new Map(drawn.map((i) => [i.agentId, i])).values()];
  const ordered = [...firsts.sort((a, b) => Number(b.agentId === staff.appealAgentId) - Number(a.agentId === staff.appealAgentId)), ...drawn.filter((i) => !firsts.includes(i))];
  const tasks = ordered;
  let submitted = 0;
  for (const task of tasks.slice(0, SCORES.length)) {
    const [a, w, ti, s, sec] = SCORES[submitted]!;
    const inspector: Actor = { ...staff.inspector, id: task.inspectorId, name: task.inspectorName };
    await scoreInspection(
      at(t0 + (4 + submitted) * HOUR),
      task.id,
      {
        submit: true,
        comment: sec < 10 ? '未核实身份即告知订单信息，信息安全项不合格。' : '整体符合规范。',
        scores: [
          { criterionId: 'attitude', points: a },
          { criterionId: 'wording', points: w },
          { criterionId: 'timely', points: ti },
          { criterionId: 'solved', points: s, ...(s < 16 ? { comment: '解决方案不够完整，未确认客户是否理解' } : {}) },
          { criterionId: 'security', points: sec },
        ],
      },
      inspector,
    );
    submitted++;
  }
  // the demo's agent@ appeals theirs
  const appealed = tasks.find((i) => i.agentId === staff.appealAgentId) ?? tasks[0];
  if (appealed) {
    const u = await ctx.db.selectFrom('users').select(['id', 'name', 'role', 'team_id']).where('id', '=', appealed.agentId).executeTakeFirstOrThrow();
    const agent: Actor = { id: u.id, kind: 'staff', role: u.role as Role, name: u.name, teamId: u.team_id, customerId: null, ip: null };
    await appealInspection(at(t0 + DAY), appealed.id, '客户当时已表示满意，问题解决一项扣分过多，请复核录音。', agent);
  }
  return submitted;
}
