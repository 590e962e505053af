import type { Kysely } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/database.ts';
import { newId, randomToken, sha256 } from '../../shared/ids.ts';
import type { Actor } from '../../shared/actor.ts';
import { recordAudit } from '../audit/index.ts';
import { insertEvents, type CaseHook, type CasesTable } from '../cases/index.ts';
import { enqueue } from '../notifications/index.ts';
import { consentDecision } from '../privacy/index.ts';
import { publicBaseUrl, surveySettings } from './settings.ts';
import type { SurveysTable } from './survey.table.ts';

const DAY = 86_400_000;

/**
 * Issues the survey of a resolution, in the resolution's transaction (SPEC 6): the earlier survey
 * still unanswered is expired (a re-resolution after a reopen asks again, once), a one-time token
 * is made whose hash alone is stored, and the invitation goes to the contact's email through the
 * outbox in the case's language. A customer whose data was erased, who opted out of surveys (withdrew
 * satisfaction_survey in the consent register), or a case without an email, is not asked, but the
 * survey is recorded as not sent so the report counts every resolution. The invitation declares the
 * purpose, so an opt-out recorded before the outbox sends it stops it.
 */
async function issueSurvey(ctx: Ctx, trx: Kysely<Database>, c: CasesTable, actor: Actor): Promise<void> {
  const now = ctx.clock.now();
  const settings = await surveySettings(ctx, trx);
  const expired = await trx
    .updateTable('surveys')
    .set({ status: 'expired', expired_at: now })
    .where('case_id', '=', c.id)
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  const customer = c.customer_id ? await trx.selectFrom('customers').select('erased_at').where('id', '=', c.customer_id).executeTakeFirst() : undefined;
  const erased = c.erased_at !== null || (customer?.erased_at ?? null) !== null;
  const email = c.contact_email?.trim() || null;
  const optedOut = !erased && c.customer_id !== null && !(await consentDecision(trx, c.customer_id, 'satisfaction_survey')).allowed;
  const notSent = erased ? 'customer_erased' : optedOut ? 'opted_out' : email ? null : 'no_email';
  const token = notSent ? null : randomToken(24);
  const row: SurveysTable = {
    id: newId(),
    case_id: c.id,
    customer_id: c.customer_id,
    token_hash: token ? sha256(token) : null,
    status: notSent ? 'not_sent' : 'pending',
    not_sent_reason: notSent,
    issued_at: now,
    expires_at: now + settings.expiryDays * DAY,
    locale: c.language,
    scale: settings.scale,
    team_id: c.team_id,
    agent_id: c.assignee_id ?? c.owner_id,
    channel: c.channel,
    answered_at: null,
    csat: null,
    band: null,
    attitude: null,
    speed: null,
    solution: null,
    completeness: null,
    nps: null,
    comment: null,
    expired_at: null,
  };
  await trx.insertInto('surveys').values(row).execute();
  if (token && email)
    await enqueue(ctx, trx, {
      topic: 'email',
      caseId: c.id,
      payload: {
        to: email,
        template: 'survey_invitation',
        locale: c.language,
        vars: { number: c.number, subject: c.subject, name: c.contact_name, link: `${publicBaseUrl()}/survey/${token}`, expiresAt: row.expires_at, scale: row.scale },
        ...(c.customer_id ? { consent: { customerId: c.customer_id, purpose: 'satisfaction_survey', scope: null } } : {}),
      },
    });
  const data = { surveyId: row.id, scale: row.scale, expiresAt: row.expires_at, expiredIds: expired.map((e) => e.id), ...(notSent ? { reason: notSent } : {}) };
  await insertEvents(ctx, trx, c.id, actor, [{ type: notSent ? 'survey_not_sent' : 'survey_sent', visibility: 'internal', data }]);
  await recordAudit(ctx, trx, { actor, action: notSent ? 'survey.not_sent' : 'survey.issue', targetType: 'survey', targetId: row.id, after: { caseId: c.id, ...data } });
}

export const surveysHook: CaseHook = {
  name: 'surveys',
  async onChanged(ctx, trx, _before, after, change, info) {
    if (change !== 'resolved') return;
    await issueSurvey(ctx, trx, after, info.actor);
  },
};
