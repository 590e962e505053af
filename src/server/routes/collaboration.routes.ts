import type { Ctx } from '../../core/context.ts';
import * as collab from '../../core/modules/collaboration/index.ts';
import { idParams } from '../../core/modules/cases/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['consultations'];

/**
 * Internal collaboration (SPEC 3): the case's owner asks another team (consultation request), that
 * team answers or declines within its own limit, the asker may withdraw; each step on the case
 * timeline as an internal event. Who may act on which case and team is checked in the service.
 */
export function collaborationRoutes(app: ZApp, ctx: Ctx): void {
  app.post(
    '/api/v1/cases/:id/consultations',
    {
      config: { permission: 'consultation.request' },
      schema: { tags, summary: "Ask another team about the case (due after that team's limit in business time)", params: idParams, body: collab.requestConsultationBody },
    },
    async (req, reply) => reply.status(201).send(await collab.requestConsultation(ctx, req.params.id, req.body, actor(req))),
  );
  app.get(
    '/api/v1/cases/:id/consultations',
    { config: { permission: 'consultation.read' }, schema: { tags, summary: "The case's consultations, oldest first", params: idParams } },
    (req) => collab.caseConsultations(ctx, req.params.id, actor(req)),
  );

  app.get(
    '/api/v1/consultations',
    { config: { permission: 'consultation.read' }, schema: { tags, summary: 'Consultations by team asked, status (open, answered, declined, withdrawn, overdue), mine; soonest due first', querystring: collab.consultationListQuery } },
    (req) => collab.listConsultations(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/consultations/report',
    { config: { permission: 'analytics.read' }, schema: { tags, summary: 'Per team asked: answered within its limit, late, declined, withdrawn, open, overdue', querystring: collab.consultationReportQuery } },
    (req) => collab.consultationReport(ctx, req.query),
  );
  app.get(
    '/api/v1/consultations/limits',
    { config: { permission: 'consultation.read' }, schema: { tags, summary: "Each team's time limit for answering (business minutes on a calendar)" } },
    () => collab.consultationLimitsView(ctx),
  );
  app.patch(
    '/api/v1/consultations/limits',
    {
      config: { permission: 'consultation.limits.write' },
      schema: { tags, summary: "Change the default limit, its calendar, or teams' own limits (null: the default again)", body: collab.consultationLimitsPatch },
    },
    (req) => collab.updateConsultationLimits(ctx, req.body, actor(req)),
  );
  app.get(
    '/api/v1/consultations/:id',
    { config: { permission: 'consultation.read' }, schema: { tags, summary: 'One consultation', params: collab.consultationParams } },
    (req) => collab.getConsultation(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/consultations/:id/answer',
    { config: { permission: 'consultation.answer' }, schema: { tags, summary: 'Answer it (members or leads of the team asked)', params: collab.consultationParams, body: collab.answerConsultationBody } },
    (req) => collab.answerConsultation(ctx, req.params.id, req.body.answer, actor(req)),
  );
  app.post(
    '/api/v1/consultations/:id/decline',
    { config: { permission: 'consultation.answer' }, schema: { tags, summary: 'Decline it, with the reason (members or leads of the team asked)', params: collab.consultationParams, body: collab.declineConsultationBody } },
    (req) => collab.declineConsultation(ctx, req.params.id, req.body.reason, actor(req)),
  );
  app.post(
    '/api/v1/consultations/:id/withdraw',
    { config: { permission: 'consultation.request' }, schema: { tags, summary: 'Withdraw it (the asking side)', params: collab.consultationParams, body: collab.withdrawConsultationBody } },
    (req) => collab.withdrawConsultation(ctx, req.params.id, req.body.reason, actor(req)),
  );
}
