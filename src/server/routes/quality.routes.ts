import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as q from '../../core/modules/quality/index.ts';
import { idParams } from '../../core/modules/cases/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['quality'];
const params = z.strictObject({ id: z.string().min(1).max(64) });

/**
 * Quality inspection (SPEC 7): rubrics, sampling plans and their draws, inspections scored by
 * inspectors, the agents' appeals and the leads' arbitration, the automatic checks of a case and
 * the flagged cases of a period, and the report. Who may see and do what on which inspection is
 * checked in the service (modules/quality/access.ts).
 */
export function qualityRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/quality/rubrics',
    { config: { permission: 'quality.rubric.read' }, schema: { tags, summary: 'Rubrics (latest versions; all=true: every version)', querystring: q.rubricListQuery, response: { 200: z.array(q.rubricView) } } },
    (req) => q.listRubrics(ctx, req.query.all ?? false),
  );
  app.get(
    '/api/v1/quality/rubrics/:id',
    { config: { permission: 'quality.rubric.read' }, schema: { tags, summary: 'One rubric version', params, response: { 200: q.rubricView } } },
    (req) => q.getRubric(ctx, req.params.id),
  );
  app.post(
    '/api/v1/quality/rubrics',
    { config: { permission: 'quality.rubric.write' }, schema: { tags, summary: 'Create a rubric', body: q.rubricBody, response: { 201: q.rubricView } } },
    async (req, reply) => reply.status(201).send(await q.createRubric(ctx, req.body, actor(req))),
  );
  app.put(
    '/api/v1/quality/rubrics/:id',
    { config: { permission: 'quality.rubric.write' }, schema: { tags, summary: 'Edit a rubric (a new version once inspections used it)', params, body: q.rubricBody, response: { 200: q.rubricView } } },
    (req) => q.updateRubric(ctx, req.params.id, req.body, actor(req)),
  );

  app.get(
    '/api/v1/quality/plans',
    { config: { permission: 'quality.plan.read' }, schema: { tags, summary: 'Sampling plans', response: { 200: z.array(q.planView) } } },
    () => q.listPlans(ctx),
  );
  app.post(
    '/api/v1/quality/plans',
    { config: { permission: 'quality.plan.write' }, schema: { tags, summary: 'Create a sampling plan', body: q.planBody, response: { 201: q.planView } } },
    async (req, reply) => reply.status(201).send(await q.createPlan(ctx, req.body, actor(req))),
  );
  app.put(
    '/api/v1/quality/plans/:id',
    { config: { permission: 'quality.plan.write' }, schema: { tags, summary: 'Change a sampling plan', params, body: q.planBody, response: { 200: q.planView } } },
    (req) => q.updatePlan(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/quality/plans/:id/draw',
    { config: { permission: 'quality.sample' }, schema: { tags, summary: "Draw the plan's sample of a period into inspection tasks (idempotent)", params, body: q.drawBody, response: { 200: q.drawResult } } },
    (req) => q.drawPlan(ctx, req.params.id, req.body.date, actor(req)),
  );

  app.get(
    '/api/v1/quality/inspections',
    { config: { permission: 'quality.read' }, schema: { tags, summary: 'Inspections the viewer may see, newest first', querystring: q.inspectionListQuery, response: { 200: q.inspectionPage } } },
    (req) => q.listInspections(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/quality/inspections',
    { config: { permission: 'quality.inspect' }, schema: { tags, summary: 'Start inspecting a case (outside a plan)', body: q.newInspectionBody, response: { 201: q.inspectionView } } },
    async (req, reply) => reply.status(201).send(await q.startInspection(ctx, req.body, actor(req))),
  );
  app.get(
    '/api/v1/quality/inspections/:id',
    { config: { permission: 'quality.read' }, schema: { tags, summary: 'One inspection', params, response: { 200: q.inspectionView } } },
    (req) => q.getInspection(ctx, req.params.id, actor(req)),
  );
  app.put(
    '/api/v1/quality/inspections/:id/scores',
    { config: { permission: 'quality.inspect' }, schema: { tags, summary: 'Score it: save a draft, or submit', params, body: q.scoreBody, response: { 200: q.inspectionView } } },
    (req) => q.scoreInspection(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/quality/inspections/:id/appeal',
    { config: { permission: 'quality.appeal' }, schema: { tags, summary: 'Appeal it (the agent inspected, within the appeal window, once)', params, body: q.appealBody, response: { 201: q.inspectionView } } },
    async (req, reply) => reply.status(201).send(await q.appealInspection(ctx, req.params.id, req.body.reason, actor(req))),
  );
  app.get(
    '/api/v1/quality/appeals',
    { config: { permission: 'quality.read' }, schema: { tags, summary: 'Appeals the viewer may see (open first)', querystring: q.appealListQuery, response: { 200: z.array(q.appealView) } } },
    (req) => q.listAppeals(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/quality/appeals/:id/decide',
    { config: { permission: 'quality.arbitrate' }, schema: { tags, summary: 'Arbitrate: uphold, or adjust the points', params, body: q.decideBody, response: { 200: q.inspectionView } } },
    (req) => q.decideAppeal(ctx, req.params.id, req.body, actor(req)),
  );

  app.get(
    '/api/v1/cases/:id/quality',
    { config: { permission: 'quality.checks.read' }, schema: { tags, summary: "A case's automatic checks and the inspections of it the viewer may see", params: idParams, response: { 200: q.caseQualityResponse } } },
    (req) => q.caseQuality(ctx, req.params.id, actor(req)),
  );
  app.get(
    '/api/v1/quality/flagged',
    { config: { permission: 'quality.flags.read' }, schema: { tags, summary: 'Cases received in a period failing an automatic check', querystring: q.flaggedQuery, response: { 200: q.flaggedList } } },
    (req) => q.flaggedCases(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/quality/report',
    { config: { permission: 'analytics.read' }, schema: { tags, summary: 'Per agent and team: inspections, mean score, failed, appeals and outcomes', querystring: q.reportQuery, response: { 200: q.qualityReportResponse } } },
    (req) => q.qualityReport(ctx, req.query),
  );
  app.get(
    '/api/v1/quality/settings',
    { config: { permission: 'quality.settings.read' }, schema: { tags, summary: 'Appeal window and forbidden phrases', response: { 200: q.qualitySettingsSchema } } },
    () => q.qualitySettings(ctx),
  );
  app.patch(
    '/api/v1/quality/settings',
    { config: { permission: 'quality.settings.write' }, schema: { tags, summary: 'Change the appeal window or the forbidden phrases', body: q.qualitySettingsPatch, response: { 200: q.qualitySettingsSchema } } },
    (req) => q.updateQualitySettings(ctx, req.body, actor(req)),
  );
}
