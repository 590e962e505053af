import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { conflict, invalid, notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { langOf } from '../notifications/index.ts';
import { enqueueWithConsent, hasConsent, type ConsentPurpose } from '../privacy/index.ts';
import type { CustomersTable } from './customers.table.ts';
import { campaignInputSchema, type CampaignAudience, type CampaignInput, type CampaignKind, type RecipientStatus } from './profile.schemas.ts';
import type { CustomerCampaignsTable } from './profile.table.ts';

type Db = Kysely<Database>;

/** The mail template of a campaign message (notifications/templates.ts). */
export const CAMPAIGN_TEMPLATE = 'customer_campaign';

/**
 * The consent a campaign needs of each recipient (modules/privacy): a notice (maintenance
 * reminder, recall) is service contact; care, holiday and key-customer campaigns are marketing.
 */
export const campaignPurpose = (kind: CampaignKind): ConsentPurpose => (kind === 'notice' ? 'service_contact' : 'marketing');

export interface CampaignView {
  id: string;
  kind: CampaignKind;
  title: string;
  subject: string;
  body: { zh: string; en: string };
  audience: CampaignAudience;
  status: 'draft' | 'sent';
  createdBy: string;
  createdAt: number;
  sentBy: string | null;
  sentAt: number | null;
  counts: Record<RecipientStatus, number> | null;
}

/** What became of a mailed recipient's message: the outbox worker's state of it (null: not mailed). */
export type RecipientDelivery = 'pending' | 'sent' | 'failed';

export interface RecipientView {
  customerId: string;
  name: string;
  status: RecipientStatus;
  outboxId: string | null;
  delivery: RecipientDelivery | null;
  /** why the outbox gave up (a withdrawn consent, the mail server's refusal) */
  deliveryError: string | null;
}

const toView = (r: CustomerCampaignsTable, counts: CampaignView['counts']): CampaignView => ({
  id: r.id,
  kind: r.kind as CampaignKind,
  title: r.title,
  subject: r.subject,
  body: { zh: r.body_zh, en: r.body_en },
  audience: JSON.parse(r.audience) as CampaignAudience,
  status: r.status as 'draft' | 'sent',
  createdBy: r.created_by,
  createdAt: r.created_at,
  sentBy: r.sent_by,
  sentAt: r.sent_at,
  counts,
});

/** `{name}` (also `{姓名}`) becomes the customer's name. */
export const personalise = (template: string, name: string): string => template.replace(/\{name\}|\{姓名\}/g, name);

/**
 * The customers an audience names: those of the explicit list (each must exist) narrowed by the
 * filters, never an erased or inactive customer. No filter and no list is refused (a campaign to
 * everyone is a decision to spell out: pick a tier, stage, region or list).
 */
export async function audienceOf(db: Db, a: CampaignAudience): Promise<CustomersTable[]> {
  if (!a.customerIds && !a.tier && !a.stage && !a.region && a.atRisk === undefined)
    throw invalid('audience_empty', 'Name the audience: a customer list, or a tier, stage, region or at-risk filter.', { field: 'audience' });
  let q = db.selectFrom('customers').leftJoin('customer_profiles as p', 'p.customer_id', 'customers.id').selectAll('customers');
  if (a.customerIds) {
    const ids = [...new Set(a.customerIds)];
    const known = await db.selectFrom('customers').select('id').where('id', 'in', ids).execute();
    if (known.length !== ids.length) {
      const missing = ids.find((i) => !known.some((k) => k.id === i))!;
      throw notFound('customer', missing);
    }
    q = q.where('customers.id', 'in', ids);
  }
  if (a.tier) q = q.where('customers.tier', '=', a.tier);
  if (a.region) q = q.where('customers.region', '=', a.region);
  if (a.stage) q = q.where('p.stage', '=', a.stage);
  if (a.atRisk === true) q = q.where('p.at_risk', '=', 1);
  if (a.atRisk === false) q = q.where((eb) => eb.or([eb('p.at_risk', 'is', null), eb('p.at_risk', '=', 0)]));
  return q.where('customers.erased_at', 'is', null).where('customers.status', '=', 'active').orderBy('customers.id').execute();
}

/** What sending would do to one customer: queue a mail, or skip them (no address, no consent). */
async function recipientStatus(db: Db, c: CustomersTable, purpose: ConsentPurpose): Promise<RecipientStatus> {
  if (!c.email) return 'skipped_no_email';
  return (await hasConsent(db, c.id, purpose)) ? 'queued' : 'skipped_no_consent';
}

const zeroCounts = (): Record<RecipientStatus, number> => ({ queued: 0, skipped_no_consent: 0, skipped_no_email: 0 });

/** How many customers an audience reaches, and how many of them a send would mail or skip (nothing is written). */
export async function previewAudience(ctx: Ctx, kind: CampaignKind, audience: CampaignAudience): Promise<{ total: number; counts: Record<RecipientStatus, number> }> {
  const customers = await audienceOf(ctx.db, audience);
  const counts = zeroCounts();
  for (const c of customers) counts[await recipientStatus(ctx.db, c, campaignPurpose(kind))]++;
  return { total: customers.length, counts };
}

/**
 * A draft campaign (关怀活动). Called by the routes and by other modules (field service's
 * maintenance reminders and recall notices, kind `notice`); the input is checked here too.
 */
export async function createCampaign(ctx: Ctx, actor: Actor, input: CampaignInput): Promise<CampaignView> {
  const parsed = campaignInputSchema.safeParse(input);
  if (!parsed.success) throw invalid('campaign_invalid', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const v = parsed.data;
  await audienceOf(ctx.db, v.audience); // an empty audience or an unknown customer is refused now, not at sending
  const body = typeof v.body === 'string' ? { zh: v.body, en: v.body } : v.body;
  const row: CustomerCampaignsTable = {
    id: newId(),
    kind: v.kind,
    title: v.title,
    subject: v.subject,
    body_zh: body.zh,
    body_en: body.en,
    audience: JSON.stringify(v.audience),
    status: 'draft',
    created_by: actor.id,
    created_at: ctx.clock.now(),
    sent_by: null,
    sent_at: null,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('customer_campaigns').values(row).execute();
    await recordAudit(ctx, trx, { actor, action: 'campaign.create', targetType: 'campaign', targetId: row.id, after: { kind: row.kind, title: row.title, audience: v.audience } });
  });
  return toView(row, null);
}

async function countsOf(db: Db, campaignId: string): Promise<Record<RecipientStatus, number>> {
  const rows = await db
    .selectFrom('customer_campaign_recipients')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('campaign_id', '=', campaignId)
    .groupBy('status')
    .execute();
  const counts = zeroCounts();
  for (const r of rows) counts[r.status as RecipientStatus] = Number(r.n);
  return counts;
}

/**
 * Sends a campaign, once: one outbox mail per customer of its audience who has an email address
 * and the consent its kind needs (campaignPurpose; declared in the payload, so the outbox worker
 * checks again when it sends), every customer recorded as a recipient with what happened. A
 * second send is 409 campaign_already_sent: the draft → sent change is the statement that wins.
 */
export async function sendCampaign(ctx: Ctx, actor: Actor, id: string): Promise<CampaignView> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('customer_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('campaign', id);
    const now = ctx.clock.now();
    const claimed = await trx.updateTable('customer_campaigns').set({ status: 'sent', sent_by: actor.id, sent_at: now }).where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw conflict('campaign_already_sent', 'This campaign was already sent; create a new one to send again.', { sentAt: row.sent_at });
    const kind = row.kind as CampaignKind;
    const purpose = campaignPurpose(kind);
    const counts = zeroCounts();
    for (const c of await audienceOf(trx, JSON.parse(row.audience) as CampaignAudience)) {
      const status = await recipientStatus(trx, c, purpose);
      let outboxId: string | null = null;
      if (status === 'queued') {
        const lang = langOf(c.locale);
        const vars = { name: c.name, subject: row.subject, body: personalise(lang === 'zh' ? row.body_zh : row.body_en, c.name), campaignId: id, kind };
        outboxId = await enqueueWithConsent(ctx, trx, { topic: 'email', payload: { to: c.email, template: CAMPAIGN_TEMPLATE, locale: c.locale, vars } }, { customerId: c.id, purpose });
      }
      await trx.insertInto('customer_campaign_recipients').values({ campaign_id: id, customer_id: c.id, status, outbox_id: outboxId, created_at: now }).execute();
      counts[status]++;
    }
    await recordAudit(ctx, trx, { actor, action: 'campaign.send', targetType: 'campaign', targetId: id, after: { kind, purpose, counts } });
    return toView({ ...row, status: 'sent', sent_by: actor.id, sent_at: now }, counts);
  });
}

export async function listCampaigns(ctx: Ctx): Promise<CampaignView[]> {
  const rows = await ctx.db.selectFrom('customer_campaigns').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(200).execute();
  return Promise.all(rows.map(async (r) => toView(r, r.status === 'sent' ? await countsOf(ctx.db, r.id) : null)));
}

export async function getCampaign(ctx: Ctx, id: string): Promise<CampaignView & { recipients: RecipientView[] }> {
  const row = await ctx.db.selectFrom('customer_campaigns').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('campaign', id);
  const recipients = await ctx.db
    .selectFrom('customer_campaign_recipients as r')
    .innerJoin('customers as c', 'c.id', 'r.customer_id')
    .leftJoin('outbox as o', 'o.id', 'r.outbox_id')
    .select(['r.customer_id', 'c.name', 'r.status', 'r.outbox_id', 'o.sent_at', 'o.failed_at', 'o.last_error'])
    .where('r.campaign_id', '=', id)
    .orderBy('c.name')
    .orderBy('r.customer_id')
    .execute();
  return {
    ...toView(row, row.status === 'sent' ? await countsOf(ctx.db, id) : null),
    recipients: recipients.map((r) => ({
      customerId: r.customer_id,
      name: r.name,
      status: r.status as RecipientStatus,
      outboxId: r.outbox_id,
      delivery: r.outbox_id === null ? null : r.sent_at !== null ? 'sent' : r.failed_at !== null ? 'failed' : 'pending',
      deliveryError: r.failed_at !== null ? r.last_error : null,
    })),
  };
}

/** The outbox messages a customer's campaigns queued for them (privacy's erasure redacts them, sent or not). */
export async function campaignMessagesOf(db: Db, customerId: string): Promise<string[]> {
  const rows = await db.selectFrom('customer_campaign_recipients').select('outbox_id').where('customer_id', '=', customerId).where('outbox_id', 'is not', null).execute();
  return rows.map((r) => r.outbox_id!);
}

/** A campaign a customer was in, for their data export (privacy's export.service.ts): what went to them, or why not. */
export interface CampaignReceipt {
  campaignId: string;
  kind: CampaignKind;
  title: string;
  subject: string;
  status: RecipientStatus;
  sentAt: number | null;
}

export async function campaignsForExport(db: Db, customerId: string): Promise<CampaignReceipt[]> {
  const rows = await db
    .selectFrom('customer_campaign_recipients as r')
    .innerJoin('customer_campaigns as c', 'c.id', 'r.campaign_id')
    .select(['c.id', 'c.kind', 'c.title', 'c.subject', 'r.status', 'c.sent_at'])
    .where('r.customer_id', '=', customerId)
    .orderBy('c.sent_at')
    .orderBy('c.id')
    .execute();
  return rows.map((r) => ({ campaignId: r.id, kind: r.kind as CampaignKind, title: r.title, subject: r.subject, status: r.status as RecipientStatus, sentAt: r.sent_at === null ? null : Number(r.sent_at) }));
}
