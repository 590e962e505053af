import type { Ctx } from '../context.ts';
import type { Actor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import { calendarOf } from '../modules/commitments/index.ts';
import { acceptQuote, bookVisit, createContract, createProduct, createWorkOrder, dayIn, moveWorkOrder, putEngineer, recordRemoteSupport, setQuote } from '../modules/fieldservice/index.ts';

/**
 * After-sales field service (SPEC 9) in the demo: the two technicians as field engineers, products
 * of the customers of the latest open cases (one under warranty, one under a contract, one out of
 * both), and three service orders: a repair booked after remote support failed, an installation
 * with its engineer on site, and a paid repair whose quote the customer accepted.
 */
export async function loadDemoFieldService(ctx: Ctx, now: number, who: { agent: Actor; dispatcher: Actor; techs: Actor[] }): Promise<string> {
  const at = { ...ctx, clock: new ManualClock(now) };
  const [t1, t2] = who.techs as [Actor, Actor];
  await putEngineer(at, t1.id, { areas: ['浦东新区', '徐汇区'], maxDailyVisits: 4, active: true }, who.dispatcher);
  await putEngineer(at, t2.id, { areas: ['闵行区', '徐汇区'], maxDailyVisits: 4, active: true }, who.dispatcher);
  const cases = await ctx.db
    .selectFrom('cases')
    .select(['id', 'customer_id'])
    .where('status', 'in', ['open', 'new'])
    .where('sensitive', '=', 0)
    .where('customer_id', 'is not', null)
    .where('erased_at', 'is', null)
    .orderBy('received_at', 'desc')
    .orderBy('id')
    .limit(3)
    .execute();
  if (cases.length < 3) return 'skipped (fewer than 3 open cases)';
  const today = dayIn(now, ctx.config.timeZone);
  const year = Number(today.slice(0, 4));
  const [a, b, c] = cases as [{ id: string; customer_id: string }, { id: string; customer_id: string }, { id: string; customer_id: string }];
  const contract = await createContract(at, { customerId: b.customer_id, number: `SC-${year}-0001`, level: 'standard', startsOn: `${year}-01-01`, endsOn: `${year}-12-31` }, who.agent);
  const pa = await createProduct(at, { customerId: a.customer_id, model: 'KX-200 空调', serial: 'KX2026-0001', purchasedOn: `${year}-03-15`, warrantyEndsOn: `${year + 1}-03-14` }, who.agent);
  const pb = await createProduct(at, { customerId: b.customer_id, model: 'KX-200 空调', serial: 'KX2024-0817', purchasedOn: `${year - 2}-05-01`, warrantyEndsOn: `${year - 1}-04-30`, contractId: contract.id }, who.agent);
  const pc = await createProduct(at, { customerId: c.customer_id, model: 'WM-8 洗衣机', serial: 'WM2023-5521', purchasedOn: `${year - 3}-09-10`, warrantyEndsOn: `${year - 2}-09-09` }, who.agent);
  // the next two working days of the service calendar
  const cal = await calendarOf(at, 'standard');
  const days: string[] = [];
  for (let d = 1; days.length < 2 && d < 30; d++) {
    const day = dayIn(now + d * 86_400_000, ctx.config.timeZone);
    if (cal.isWorkingDay(day)) days.push(day);
  }
  const w1 = await createWorkOrder(at, { caseId: a.id, productId: pa.id, type: 'repair', area: '浦东新区', skill: '上门维修' }, who.agent);
  await recordRemoteSupport(at, w1.id, { outcome: 'not_resolved', notes: '电话指导重启、清洗滤网后仍不制冷' }, who.agent);
  await bookVisit(at, w1.id, { engineerId: t1.id, date: days[0]!, windowStart: '09:00', windowEnd: '12:00' }, who.dispatcher);
  const w2 = await createWorkOrder(at, { caseId: b.id, productId: pb.id, type: 'installation', area: '徐汇区' }, who.agent);
  await bookVisit(at, w2.id, { engineerId: t2.id, date: days[0]!, windowStart: '13:30', windowEnd: '15:30' }, who.dispatcher);
  await moveWorkOrder(at, w2.id, { to: 'en_route' }, t2);
  await moveWorkOrder(at, w2.id, { to: 'on_site' }, t2);
  const w3 = await createWorkOrder(at, { caseId: c.id, productId: pc.id, type: 'repair', area: '闵行区', skill: '上门维修' }, who.agent);
  await recordRemoteSupport(at, w3.id, { outcome: 'not_resolved', notes: '脱水时异响，需上门检查' }, who.agent);
  await setQuote(at, w3.id, [{ kind: 'labour', description: '维修工时', amountFen: 12000 }, { kind: 'parts', description: '减震器', amountFen: 8500 }, { kind: 'callout', description: '上门费', amountFen: 5000 }], who.agent);
  await acceptQuote(at, w3.id, '客户本人（电话确认）', who.agent);
  await bookVisit(at, w3.id, { engineerId: t2.id, date: days[1]!, windowStart: '09:00', windowEnd: '11:00' }, who.dispatcher);
  return '3 products, 1 contract, 3 service orders';
}
