import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { idParams } from '../../core/modules/cases/index.ts';
import * as fu from '../../core/modules/followups/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['followups'];

/**
 * Follow-ups (回访, SPEC 5): scheduled when a case is resolved, and periodic ones from a plan for a
 * customer under a delivered project. Handlers record the outcome of their own (leads: their
 * teams'); who may see and record which follow-up is checked in the service.
 */
export function followupsRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/followups',
    {
      config: { permission: 'followup.read' },
      schema: { tags, summary: 'Follow-ups I may see (mine, my teams\'), by status (overdue: pending past due), kind, team, case, plan; soonest due first', querystring: fu.followupListQuery, response: { 200: fu.followupPageSchema } },
    },
    (req) => fu.listFollowups(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/followups/report',
    {
      config: { permission: 'analytics.read' },
      schema: { tags, summary: 'Follow-ups due in a period: scheduled, done, on time, on-time rate, results and their shares', querystring: fu.followupReportQuery, response: { 200: fu.followupReportSchema } },
    },
    (req) => fu.followupReport(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/followups/settings',
    { config: { permission: 'settings.read' }, schema: { tags, summary: 'The follow-up limit (working days, calendar) and the maximum attempts', response: { 200: fu.followupSettingsSchema } } },
    () => fu.followupSettings(ctx),
  );
  app.patch(
    '/api/v1/followups/settings',
    { config: { permission: 'followup.settings.write' }, schema: { tags, summary: 'Change the follow-up settings (applies to follow-ups scheduled from then on)', body: fu.followupSettingsPatch, response: { 200: fu.followupSettingsSchema } } },
    (req) => fu.updateFollowupSettings(ctx, req.body, actor(req)),
  );
  app.get(
    '/api/v1/followups/:id',
    { config: { permission: 'followup.read' }, schema: { tags, summary: 'One follow-up with its attempts', params: fu.followupParams, response: { 200: fu.followupDetailSchema } } },
    (req) => fu.getFollowup(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/followups/:id/outcome',
    {
      config: { permission: 'followup.record' },
      schema: { tags, summary: 'Record a contact attempt: not reached, or reached with the result (dissatisfied: reopen or escalate)', params: fu.followupParams, body: fu.recordOutcomeBody, response: { 200: fu.followupDetailSchema } },
    },
    (req) => fu.recordOutcome(ctx, req.params.id, req.body, actor(req)),
  );
  app.get(
    '/api/v1/cases/:id/followups',
    { config: { permission: 'followup.read' }, schema: { tags, summary: "The case's follow-ups, oldest first", params: idParams, response: { 200: z.array(fu.followupViewSchema) } } },
    (req) => fu.caseFollowups(ctx, req.params.id, actor(req)),
  );

  app.get(
    '/api/v1/followup-plans',
    { config: { permission: 'followup.read' }, schema: { tags, summary: 'Follow-up plans I may see, newest first', querystring: fu.planListQuery, response: { 200: z.array(fu.planViewSchema) } } },
    (req) => fu.listPlans(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/followup-plans',
    { config: { permission: 'followup.plan.write' }, schema: { tags, summary: 'Plan periodic follow-ups for a customer under a delivered project (the first is generated at once)', body: fu.createPlanBody, response: { 201: fu.planViewSchema } } },
    async (req, reply) => reply.status(201).send(await fu.createPlan(ctx, req.body, actor(req))),
  );
  app.get(
    '/api/v1/followup-plans/:id',
    { config: { permission: 'followup.read' }, schema: { tags, summary: 'One plan', params: fu.followupParams, response: { 200: fu.planViewSchema } } },
    (req) => fu.getPlan(ctx, req.params.id, actor(req)),
  );
  app.patch(
    '/api/v1/followup-plans/:id',
    { config: { permission: 'followup.plan.write' }, schema: { tags, summary: 'Change a plan: title, end, assignee; pause, resume or end it', params: fu.followupParams, body: fu.updatePlanBody, response: { 200: fu.planViewSchema } } },
    (req) => fu.updatePlan(ctx, req.params.id, req.body, actor(req)),
  );
}
