import type { Ctx } from '../context.ts';
import type { Actor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import { createArticle, publishArticle, recordArticleUse, voteOnArticle, type ArticleInput } from '../modules/knowledge/index.ts';
import { DAY, HOUR } from './demo-time.ts';

type Seed = ArticleInput & { draft?: boolean; votes?: [number, number] };
const zh = (categoryId: string | null, title: string, body: string, tags: string[], audience: 'public' | 'internal', more: Partial<Seed> = {}): Seed => ({
  title,
  body,
  language: 'zh-CN',
  categoryId,
  tags,
  audience,
  ...more,
});

/**
 * The knowledge base of the demo (SPEC 9): ~15 Chinese articles and a few English ones over the
 * demo's case categories (refunds and invoices under billing, warranty repair, delivery, account),
 * public ones for the help centre and internal ones for agents, one left a draft; written by agents
 * and published by a supervisor before the history starts, a few voted on and used on cases.
 * Returns how many articles it wrote.
 */
export async function loadDemoKnowledge(
  ctx: Ctx,
  now: number,
  days: number,
  categories: Record<string, string>,
  staff: { writers: Actor[]; english: Actor; publisher: Actor },
): Promise<number> {
  const c = categories;
  const articles: Seed[] = [
    zh(c.billing ?? null, '退款多久能到账？', '退款审核通过后，款项按原支付渠道退回：\n微信、支付宝 1-3 个工作日到账；银行卡 3-7 个工作日到账。\n\n如超过上述时间仍未到账，请提供订单号联系客服查询。', ['退款', '到账'], 'public', { votes: [5, 1] }),
    zh(c.billing ?? null, '如何申请退款', '在“我的订单”中找到对应订单，点击“申请退款”，选择退款原因并提交。\n\n已发货的订单需先办理退货，仓库签收后再退款。', ['退款', '退货'], 'public', { votes: [3, 0] }),
    zh(c.billing ?? null, '重复扣费的核实与退款（内部）', '客户反映重复扣费时：\n1. 在计费系统按手机号查询近 30 天扣费记录；\n2. 确认重复后提交财务部退款工单，备注原扣费流水号；\n3. 告知客户 3 个工作日内原路退回。\n\n金额超过 500 元需主管审批。', ['退款', '扣费', '账单'], 'internal'),
    zh(c.billing ?? null, '如何开具发票', '订单完成后，可在“我的订单 - 申请发票”中开具电子普通发票或增值税专用发票。\n\n电子发票一般在 1 个工作日内发送到您的邮箱。', ['发票'], 'public', { votes: [6, 0] }),
    zh(c.billing ?? null, '发票抬头或税号填错了怎么办', '电子普通发票可在开票后 30 天内申请作废重开一次；增值税专用发票需先将原发票寄回。\n\n请在申请时注明正确的抬头和税号。', ['发票', '重开'], 'public'),
    zh(c.billing ?? null, '增值税专用发票开具规范（内部）', '开具专票需核对：单位名称、纳税人识别号、地址电话、开户行及账号四项信息齐全。\n\n客户首次申请专票时，请其上传一般纳税人证明。', ['发票', '专票'], 'internal'),
    zh(c.repair ?? null, '保修期与保修范围', '整机保修一年，主要部件保修三年，自购买发票日期起算。\n\n人为损坏、进液、私自拆修不在保修范围内，可提供有偿维修。', ['保修', '维修'], 'public', { votes: [4, 1] }),
    zh(c.repair ?? null, '如何预约上门维修', '拨打客服热线或在线提交报修，说明产品型号、序列号和故障现象，我们会在 2 个工作小时内联系您预约上门时间。', ['维修', '上门', '报修'], 'public'),
    zh(c.repair ?? null, '保修判定与有偿维修报价（内部）', '先核对序列号的保修截止日期；过保或人为损坏的，按配件价格表报价，客户确认后再派工。\n\n更换的配件另享 90 天保修。', ['保修', '报价', '配件'], 'internal'),
    zh(c.delivery ?? null, '订单多久发货？', '现货商品在付款后 48 小时内发货，预售商品以页面标注的发货时间为准。\n\n发货后可在订单详情中查看物流单号。', ['配送', '发货'], 'public', { votes: [3, 1] }),
    zh(c.delivery ?? null, '快递破损或少件怎么处理', '请在签收时当面验货；如发现外包装破损或少件，可拒收或拍照后 48 小时内联系客服，我们会补发或退款。', ['配送', '破损', '补发'], 'public'),
    zh(c.delivery ?? null, '物流长时间未更新的处理流程（内部）', '物流信息超过 72 小时未更新：\n1. 联系承运商核实包裹位置；\n2. 确认丢件的，直接为客户补发，不要求客户等待理赔结果；\n3. 在工单中记录承运商的回复。', ['配送', '丢件'], 'internal'),
    zh(c.account ?? null, '忘记密码如何找回', '在登录页点击“忘记密码”，通过注册手机号接收验证码后设置新密码。\n\n手机号已停用的，请携带身份证件到营业厅办理。', ['账户', '密码'], 'public', { votes: [2, 0] }),
    zh(c.account ?? null, '如何修改绑定手机号', '登录后进入“账户设置 - 安全中心”，验证原手机号后即可更换。原手机号无法接收验证码的，请联系客服人工核验身份。', ['账户', '手机号'], 'public'),
    zh(c.account ?? null, '会员等级与积分规则', '会员等级按近 12 个月消费金额计算，每月 1 日更新。积分可在下单时抵扣，100 积分抵 1 元。', ['会员', '积分'], 'public', { draft: true }),
    { title: 'How long does a refund take?', body: 'Once your refund is approved, the money goes back the way you paid: 1-3 working days for WeChat Pay and Alipay, 3-7 working days for bank cards.\n\nIf it has not arrived by then, contact us with your order number.', language: 'en', categoryId: c.billing ?? null, tags: ['refund'], audience: 'public', votes: [2, 0] },
    { title: 'How do I get an invoice?', body: 'When your order is complete, open "My orders", choose the order and click "Request invoice". Electronic invoices are emailed within one working day.', language: 'en', categoryId: c.billing ?? null, tags: ['invoice'], audience: 'public' },
    { title: 'Warranty: what is covered', body: 'The product is covered for one year, its main parts for three years, from the date on the purchase invoice. Damage by accident, liquid or unauthorised repair is not covered; we offer paid repair instead.', language: 'en', categoryId: c.repair ?? null, tags: ['warranty', 'repair'], audience: 'public' },
  ];
  const start = now - (days + 20) * DAY;
  const at = (t: number): Ctx => ({ ...ctx, clock: new ManualClock(t) });
  const ids: Array<{ id: string; categoryId: string | null; seed: Seed }> = [];
  for (const [i, a] of articles.entries()) {
    const writer = a.language === 'en' ? staff.english : staff.writers[i % staff.writers.length]!;
    const { draft, votes, ...input } = a;
    const made = await createArticle(at(start + i * HOUR), input, writer);
    if (!draft) await publishArticle(at(start + DAY + i * HOUR), made.id, staff.publisher);
    ids.push({ id: made.id, categoryId: a.categoryId ?? null, seed: a });
    for (let v = 0; v < (votes?.[0] ?? 0); v++) await voteOnArticle(at(now - DAY), made.id, true);
    for (let v = 0; v < (votes?.[1] ?? 0); v++) await voteOnArticle(at(now - DAY), made.id, false);
  }
  // used on a few recent cases of their category (an hour after each was received, by a lead who may open any)
  for (const [code, max] of [['billing', 6], ['repair', 4], ['delivery', 4]] as const) {
    const catId = c[code];
    if (!catId) continue;
    const published = ids.filter((x) => x.categoryId === catId && !x.seed.draft && x.seed.language === 'zh-CN');
    const cases = await ctx.db
      .selectFrom('cases')
      .select(['id', 'received_at'])
      .where('category_id', '=', catId)
      .where('erased_at', 'is', null)
      .where('received_at', '>', start + 2 * DAY)
      .orderBy('received_at', 'desc')
      .limit(max)
      .execute();
    for (const [i, k] of cases.entries()) {
      const a = published[i % published.length];
      if (a) await recordArticleUse(at(Number(k.received_at) + HOUR), k.id, a.id, staff.publisher);
    }
  }
  return articles.length;
}
