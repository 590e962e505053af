import type { Ctx } from '../context.ts';
import type { Actor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import { addAction, checkProblem, completeAction, createProblem, dateAfter, moveProblem, sweepOverdueActions, updateProblem } from '../modules/improvement/index.ts';
import { DAY } from './demo-time.ts';

const ZONE = 'Asia/Shanghai';

/** Up to `n` complaints of a category received in [from, to), oldest first. */
async function complaints(ctx: Ctx, code: string, from: number, to: number, n: number): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('cases as c')
    .innerJoin('categories as k', 'k.id', 'c.category_id')
    .select('c.id')
    .where('k.code', '=', code)
    .where('c.type', 'in', ['complaint', 'dissatisfaction'])
    .where('c.received_at', '>=', from)
    .where('c.received_at', '<', to)
    .where('c.erased_at', 'is', null)
    .orderBy('c.received_at')
    .limit(n)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Two problem records (SPEC 8, CAPA) over the demo history: delivery damage, analysed, acted on
 * and checked as effective; duplicate billing, with a corrective action now overdue (marked by
 * the sweep, as the server's worker would). Each step at its own moment of the history.
 */
export async function loadDemoImprovement(ctx: Ctx, now: number, manager: Actor, supervisor: Actor, agent: Actor): Promise<number> {
  const at = (t: number): Ctx => ({ ...ctx, clock: new ManualClock(t) });
  let made = 0;

  const t1 = now - 75 * DAY;
  const delivery = await complaints(ctx, 'delivery', now - 90 * DAY, t1, 5);
  if (delivery.length > 0) {
    const p = await createProblem(
      at(t1),
      { title: '快递外包装破损投诉集中 / Parcels arriving damaged', description: '近两周多起投诉反映商品到货时外包装破损、配件缺失，集中在同一承运商的华东线路。', checkDays: 30, caseIds: delivery },
      manager,
    );
    await moveProblem(at(t1 + 3_600_000), p.id, 'analysing', undefined, manager);
    await updateProblem(at(t1 + 2 * DAY), p.id, { rootCauseCategory: 'process', rootCause: '承运商华东分拨中心改用自动分拣线后未对易碎品单独分拣；我方出库未加贴易碎标识。' }, manager);
    await moveProblem(at(t1 + 2 * DAY + 3_600_000), p.id, 'actions', undefined, manager);
    const withActions = await addAction(at(t1 + 2 * DAY + 7_200_000), p.id, { kind: 'corrective', description: '与承运商约定易碎品人工分拣，破损件全额赔付并补发', ownerId: supervisor.id, dueDate: dateAfter(t1, 7, ZONE) }, manager);
    const both = await addAction(at(t1 + 2 * DAY + 7_300_000), p.id, { kind: 'preventive', description: '出库环节对易碎商品加贴标识并加厚缓冲包装，纳入出库检查单', ownerId: manager.id, dueDate: dateAfter(t1, 10, ZONE) }, manager);
    await completeAction(at(t1 + 5 * DAY), p.id, withActions.actions[0]!.id, '已与承运商签订补充协议，易碎品改为人工分拣。', supervisor);
    const checking = await completeAction(at(t1 + 8 * DAY), p.id, both.actions.find((a) => a.kind === 'preventive')!.id, '出库检查单已更新，包装材料已更换。', manager);
    const checkAt = checking.checkDueAt ?? t1 + 40 * DAY;
    await checkProblem(at(checkAt - 3_600_000), p.id, 'worked', '措施完成后未再收到包装破损投诉；抽查 50 件易碎品到货无破损（物流类工单总量随业务量上升，见前后对比）。', manager);
    made++;
  }

  const t2 = now - 20 * DAY;
  const billing = await complaints(ctx, 'billing', now - 40 * DAY, t2, 4);
  if (billing.length > 0) {
    const p = await createProblem(at(t2), { title: '月底账单重复扣费 / Duplicate charges at month end', description: '多位客户反映月底账单出现重复扣费。', checkDays: 30, caseIds: billing }, supervisor);
    await moveProblem(at(t2 + 3_600_000), p.id, 'analysing', undefined, supervisor);
    await updateProblem(at(t2 + DAY), p.id, { rootCauseCategory: 'system', rootCause: '计费系统月底批处理任务在超时重试时重复执行，缺少幂等校验。' }, supervisor);
    await moveProblem(at(t2 + DAY + 3_600_000), p.id, 'actions', undefined, supervisor);
    await addAction(at(t2 + DAY + 7_200_000), p.id, { kind: 'corrective', description: '为受影响客户退还重复扣费并逐一电话致歉', ownerId: agent.id, dueDate: dateAfter(now, -5, ZONE) }, supervisor);
    await addAction(at(t2 + DAY + 7_300_000), p.id, { kind: 'preventive', description: '批处理增加幂等校验和每日对账告警', ownerId: supervisor.id, dueDate: dateAfter(now, 10, ZONE) }, supervisor);
    await sweepOverdueActions(ctx);
    made++;
  }
  return made;
}
