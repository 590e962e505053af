import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as cm from '../../core/modules/commitments/index.ts';
import { CASE_TYPES, CHANNELS, COMPLAINT_GRADES, PRIORITIES, SERVICE_KINDS } from '../../core/modules/cases/index.ts';
import { CUSTOMER_TIERS } from '../../core/modules/customers/index.ts';
import { actor } from '../plugins/auth.ts';
import { renderCommitmentsPage } from '../pages/commitments.page.ts';
import type { ZApp } from './zapp.ts';

const tags = ['commitments'];
const duration = z.union([
  z.strictObject({ minutes: z.number().positive().max(525_600) }),
  z.strictObject({ workingDays: z.number().int().min(1).max(365) }),
]);
const strings = z.array(z.string().max(64)).max(50).optional();
/** A list of known values: a policy matching "fax" or "P9" would silently match nothing. */
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => z.array(z.enum(values)).max(50).optional();
export const policyBody = z.strictObject({
  code: z.string().regex(/^[a-z0-9_-]{1,64}$/),
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
  position: z.number().int().min(0).max(1_000_000),
  match: z.strictObject({
    types: oneOf(CASE_TYPES),
    priorities: oneOf(PRIORITIES),
    complaintGrades: oneOf(COMPLAINT_GRADES),
    channels: oneOf(CHANNELS),
    tiers: oneOf(CUSTOMER_TIERS),
    categories: strings,
    serviceKinds: oneOf(SERVICE_KINDS),
    isRepeat: z.boolean().optional(),
  }),
  calendarId: z.string().max(64),
  targets: z
    .strictObject({
      reception: duration.optional(),
      first_response: duration.optional(),
      next_response: duration.optional(),
      initial_review: duration.optional(),
      resolution: duration.optional(),
    })
    .refine((t) => Object.keys(t).length > 0, 'at least one target'),
  warnFractions: z.array(z.number().gt(0).lt(1)).max(5).refine((a) => a.every((x, i) => i === 0 || x > a[i - 1]!), 'ascending'),
  escalateOnWarning: z.boolean(),
  active: z.boolean(),
  published: z.boolean(),
});
const hhmm = z.string().regex(/^\d\d:\d\d$/);
const calendarBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  timeZone: z.string().max(64),
  alwaysOpen: z.boolean().optional(),
  // partial: the days without hours are left out (as GET /api/v1/calendars gives them)
  weekly: z.partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), z.array(z.tuple([hhmm, hhmm])).max(6)),
  useChinaHolidays: z.boolean().optional(),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(1000).optional(),
  workdays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(1000).optional(),
  makeupHoursFrom: z.number().int().min(1).max(7).optional(),
});

export function commitmentRoutes(app: ZApp, ctx: Ctx): void {
  app.get('/api/v1/public/commitments', { config: { public: true }, schema: { tags, summary: 'Public: our service commitments and how well we kept them (30/90 days)' } }, () =>
    cm.publicCommitments(ctx),
  );
  app.get(
    '/commitments',
    { config: { public: true }, schema: { hide: true, querystring: z.object({ lang: z.enum(['zh', 'en']).optional() }) } },
    async (req, reply) => reply.type('text/html; charset=utf-8').send(renderCommitmentsPage(await cm.publicCommitments(ctx), req.query.lang ?? 'zh')),
  );

  app.get('/api/v1/commitments/policies', { config: { permission: 'commitment.read' }, schema: { tags } }, () => cm.listPolicies(ctx));
  app.post('/api/v1/commitments/policies', { config: { permission: 'commitment.write' }, schema: { tags, body: policyBody } }, async (req, reply) =>
    reply.status(201).send(await cm.createPolicy(ctx, req.body, actor(req))),
  );
  app.put(
    '/api/v1/commitments/policies/:id',
    { config: { permission: 'commitment.write' }, schema: { tags, params: z.strictObject({ id: z.string().max(64) }), body: policyBody } },
    (req) => cm.updatePolicy(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/commitments/simulate',
    {
      config: { permission: 'commitment.simulate' },
      schema: {
        tags,
        summary: 'What-if: replay the last N days of real cases against a draft commitment',
        body: z.strictObject({ policy: policyBody.pick({ match: true, calendarId: true, targets: true, warnFractions: true, escalateOnWarning: true }), days: z.number().int().min(1).max(365) }),
      },
    },
    (req) => cm.simulatePolicy(ctx, req.body.policy, req.body.days),
  );

  app.get('/api/v1/calendars', { config: { permission: 'commitment.read' }, schema: { tags } }, () => cm.listCalendars(ctx));
  app.put(
    '/api/v1/calendars/:id',
    { config: { permission: 'commitment.write' }, schema: { tags, summary: 'Create or replace a business calendar', params: z.strictObject({ id: z.string().regex(/^[a-z0-9_-]{1,64}$/) }), body: calendarBody } },
    (req) => cm.putCalendar(ctx, { id: req.params.id, ...req.body } as cm.CalendarSpec, actor(req)),
  );
  app.get('/api/v1/commitments/handling-limits', { config: { permission: 'commitment.read' }, schema: { tags } }, () => cm.listHandlingLimits(ctx));
  app.put(
    '/api/v1/teams/:id/handling-limit',
    {
      config: { permission: 'commitment.write' },
      schema: {
        tags,
        summary: "Set a department's own handling limit (null removes it)",
        params: z.strictObject({ id: z.string().max(64) }),
        body: z.strictObject({ limit: z.strictObject({ minutes: z.number().positive().nullable().optional(), workingDays: z.number().int().min(1).max(365).nullable().optional(), calendarId: z.string().max(64) }).nullable() }),
      },
    },
    async (req, reply) => {
      await cm.setHandlingLimit(ctx, req.params.id, req.body.limit, actor(req));
      return reply.status(204).send();
    },
  );

  app.get('/api/v1/cases/:id/commitments', { config: { permission: 'case.read' }, schema: { tags, summary: 'Deadlines, time used and left, and state of each commitment of a case', params: z.strictObject({ id: z.string().max(64) }) } }, (req) =>
    cm.caseCommitments(ctx, req.params.id, actor(req)),
  );
  app.get(
    '/api/v1/remedies',
    {
      config: { permission: 'remedy.read' },
      schema: { tags, querystring: z.strictObject({ status: z.enum(['proposed', 'approved', 'rejected']).optional(), caseId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
    },
    (req) => cm.listRemedies(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/remedies/:id/decision',
    {
      config: { permission: 'remedy.decide' },
      schema: {
        tags,
        summary: 'Approve (optionally changing it) or reject a proposed service remedy',
        params: z.strictObject({ id: z.string().max(64) }),
        body: z.strictObject({
          decision: z.enum(['approve', 'reject']),
          amount: z.number().min(0).max(1_000_000).optional(),
          text: z.string().trim().max(2000).optional(),
          textEn: z.string().trim().max(2000).optional(),
          note: z.string().trim().max(2000).optional(),
        }),
      },
    },
    (req) => cm.decideRemedy(ctx, req.params.id, req.body, actor(req)),
  );
}
