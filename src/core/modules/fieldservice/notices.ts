import { DateTime } from 'luxon';
import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { invalid } from '../../shared/errors.ts';
// customers/campaigns.ts, not customers/index.ts: the customers' profile imports this module's index
import { createCampaign, sendCampaign } from '../customers/campaigns.ts';
import type { NoticeInput, NoticeResult } from './fieldservice.schemas.ts';
import { dayIn } from './rules.ts';

/**
 * The products a proactive notice is about: maintenance reminders, those whose last maintenance
 * (else purchase) is at least N months before today (the centre's date); upgrades, a model's;
 * recalls, a model's, within an optional serial range (inclusive, compared as text: serials of a
 * model share a format). Erased customers are left out.
 */
export async function noticeAudience(ctx: Ctx, input: NoticeInput): Promise<Array<{ id: string; customer_id: string }>> {
  let q = ctx.db.selectFrom('customer_products as p').innerJoin('customers as cu', 'cu.id', 'p.customer_id').select(['p.id', 'p.customer_id']).where('cu.erased_at', 'is', null);
  if (input.kind === 'maintenance') {
    const cutoff = DateTime.fromISO(dayIn(ctx.clock.now(), ctx.config.timeZone), { zone: 'UTC' }).minus({ months: input.olderThanMonths! }).toISODate()!;
    q = q.where((eb) => eb(eb.fn.coalesce('p.last_maintained_on', 'p.purchased_on'), '<=', cutoff));
  }
  if (input.model) q = q.where('p.model', '=', input.model);
  if (input.kind === 'recall' && input.serialFrom) q = q.where('p.serial', '>=', input.serialFrom);
  if (input.kind === 'recall' && input.serialTo) q = q.where('p.serial', '<=', input.serialTo);
  return q.orderBy('p.id').execute();
}

/** A maintenance reminder, upgrade notice or recall, sent as a customers' campaign of kind notice (service_contact consent). */
export async function sendNotice(ctx: Ctx, input: NoticeInput, actor: Actor): Promise<NoticeResult> {
  const products = await noticeAudience(ctx, input);
  const customerIds = [...new Set(products.map((p) => p.customer_id))];
  if (customerIds.length === 0) throw invalid('notice_audience_empty', 'No registered product matches: nobody would be told.');
  const campaign = await createCampaign(ctx, actor, { kind: 'notice', title: input.title, subject: input.subject, body: input.body, audience: { customerIds } });
  await sendCampaign(ctx, actor, campaign.id);
  return { kind: input.kind, productIds: products.map((p) => p.id), customerIds, campaignId: campaign.id };
}
