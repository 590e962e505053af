import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { DomainError, notFound } from '../../shared/errors.ts';
import { recordAuditNow } from '../audit/index.ts';
import { caseDetails, toCustomerCaseDetail, type CaseDetail, type CaseView, type CustomerCaseView } from '../cases/index.ts';
import { caseCommitments, listRemedies, type RemedyView } from '../commitments/index.ts';
import { campaignsForExport, toCustomerView, type CampaignReceipt, type CustomerView } from '../customers/index.ts';
import { consentsForExport } from './consent.service.ts';
import type { ConsentView } from './consent.schemas.ts';
import { periodicSurveysForExport, surveysForExport, type PeriodicSurveyExport, type SurveyExport } from '../surveys/export.ts';
import { followupsForExport, type FollowupExport, type FollowupPlanExport } from '../followups/export.ts';
import { fieldServiceForExport, type FieldServiceExport } from '../fieldservice/privacy.ts';

export const EXPORT_FORMAT = 'serviceloop.customer-export/1';

/** A portal account linked to the customer: who it is and when it was used; never its password hash or tokens. */
export interface PortalAccountExport {
  id: string;
  email: string;
  name: string;
  locale: string;
  active: boolean;
  createdAt: number;
  /** The last successful login (null: never, or not recorded). */
  lastLoginAt: number | null;
}

export interface CaseExport {
  /** staff: the case in full; the customer: without the staff-only fields (toCustomerCaseView). */
  case: CaseView | CustomerCaseView;
  /** staff: every event; the customer: the public ones (as the case shows them to the customer). */
  timeline: CaseDetail['timeline'];
  /** Metadata only, never the content (which GET /api/v1/cases/:id/attachments/:attachmentId gives). */
  attachments: CaseDetail['attachments'];
  /** staff only: the service commitments applied to the case (targets, escalations). */
  commitments?: Awaited<ReturnType<typeof caseCommitments>>;
  /** staff only: remedies proposed or decided for the case. */
  remedies?: RemedyView[];
}

/** A customer's data (SPEC 10, right of access and portability), as one JSON document. */
export interface CustomerExport {
  format: typeof EXPORT_FORMAT;
  exportedAt: number;
  /** staff: everything kept about the customer, in clear; customer: what the customer may see of it. */
  scope: 'staff' | 'customer';
  customer: CustomerView;
  /** staff: every portal account of the customer; customer: the caller's own account only. */
  portalAccounts: PortalAccountExport[];
  /** The consent register, withdrawn consents included (consent.service.ts). */
  consents: ConsentView[];
  cases: CaseExport[];
  /** The satisfaction surveys of the customer's cases and their answers (SPEC 6). */
  surveys: SurveyExport[];
  /** The periodic satisfaction surveys (定期满意度调查) the customer was sent or skipped for, and their answers (SPEC 6). */
  periodicSurveys: PeriodicSurveyExport[];
  /** Follow-ups (回访) of the customer's cases and plans (SPEC 5); staff: with notes and attempts. */
  followups: FollowupExport[];
  followupPlans: FollowupPlanExport[];
  /** After-sales field service (SPEC 9): the customer's registered products and work orders. */
  fieldService: FieldServiceExport;
  /** The care campaigns (关怀活动, SPEC 9) the customer was in: mailed, or skipped and why. */
  campaigns: CampaignReceipt[];
}

/** The attachment file name of an export. */
export const exportFileName = (customerId: string, at: number): string =>
  `serviceloop-customer-${customerId.replace(/[^A-Za-z0-9_-]/g, '')}-${new Date(at).toISOString().slice(0, 10)}.json`;

/**
 * Everything kept about a customer, for `actor`: staff who handle data-subject requests (route
 * permission privacy.export) and the system (CLI) get it in clear with commitments and remedies;
 * a portal customer gets their own only, as they see it in the portal (public timeline, no
 * internal notes or staff-only fields, no commitments or remedies, which they cannot read; of the
 * portal accounts, only their own). A
 * customer asking for another customer's data gets 404 as for an unknown one. Recorded in the
 * audit log (privacy.export, with counts only).
 */
export async function exportCustomerData(ctx: Ctx, customerId: string, actor: Actor): Promise<CustomerExport> {
  const asCustomer = actor.kind === 'customer';
  if (asCustomer && actor.customerId !== customerId) throw notFound('customer', customerId);
  const row = await ctx.db.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
  if (!row) throw notFound('customer', customerId);
  const rows = await ctx.db.selectFrom('cases').selectAll().where('customer_id', '=', customerId).orderBy('received_at').orderBy('id').execute();
  const details = await caseDetails(ctx, rows, actor);
  const cases: CaseExport[] = [];
  for (const d of details) {
    if (asCustomer) cases.push(toCustomerCaseDetail(d));
    else
      cases.push({
        ...d,
        commitments: await caseCommitments(ctx, d.case.id, actor),
        remedies: await listRemedies(ctx, { caseId: d.case.id, limit: 1000 }, actor),
      });
  }
  // the customer's own export: their own account only (the customer's other portal accounts are
  // other people, a colleague at the same company: their email and logins are not the caller's data)
  let aq = ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'locale', 'active', 'created_at'])
    .where('customer_id', '=', customerId)
    .where('role', '=', 'customer');
  if (asCustomer) aq = aq.where('id', '=', actor.id);
  const accounts = await aq.orderBy('created_at').execute();
  const portalAccounts: PortalAccountExport[] = [];
  for (const u of accounts) {
    const last = await ctx.db
      .selectFrom('login_attempts')
      .select((eb) => eb.fn.max('at').as('at'))
      .where('email', '=', u.email)
      .where('ok', '=', 1)
      .executeTakeFirst();
    portalAccounts.push({
      id: u.id,
      email: u.email,
      name: u.name,
      locale: u.locale,
      active: u.active === 1,
      createdAt: u.created_at,
      lastLoginAt: last?.at == null ? null : Number(last.at),
    });
  }
  const scope = asCustomer ? 'customer' : 'staff';
  await recordAuditNow(ctx, {
    actor,
    action: 'privacy.export',
    targetType: 'customer',
    targetId: customerId,
    after: { scope, cases: cases.length, portalAccounts: portalAccounts.length },
  });
  const caseIds = rows.map((c) => c.id);
  const surveys = await surveysForExport(ctx.db, caseIds);
  const { followups, followupPlans } = await followupsForExport(ctx.db, customerId, caseIds, scope);
  return { format: EXPORT_FORMAT, exportedAt: ctx.clock.now(), scope, customer: toCustomerView(row, actor), portalAccounts, cases, consents: await consentsForExport(ctx.db, customerId), surveys, periodicSurveys: await periodicSurveysForExport(ctx.db, customerId), followups, followupPlans, fieldService: await fieldServiceForExport(ctx, customerId), campaigns: await campaignsForExport(ctx.db, customerId) };
}

/** A portal customer's own data (GET /api/v1/me/export): their account's customer. */
export async function exportOwnData(ctx: Ctx, actor: Actor): Promise<CustomerExport> {
  if (actor.kind !== 'customer' || !actor.customerId) throw new DomainError('customer_required', 'This account belongs to no customer: there is no customer data of its own to export.', 403);
  return exportCustomerData(ctx, actor.customerId, actor);
}
