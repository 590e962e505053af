import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as s from '../../core/modules/scorecards/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['appraisal'];
const params = z.strictObject({ id: z.string().min(1).max(64) });

/**
 * Appraisal (考核, SPEC 7): agent scorecards by period with their roll-ups and the cases behind
 * each count, the admin's weights, and the monthly supervision assessment of the service
 * departments. Whose cards a viewer sees is decided in the service (scorecards/access.ts).
 */
export function scorecardRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/scorecards',
    { config: { permission: 'scorecard.read' }, schema: { tags, summary: 'Agent scorecards of a month (or from/to) with roll-ups by team, department and post', querystring: s.periodQuery, response: { 200: s.scorecardReport } } },
    (req) => s.scorecards(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/scorecards/agents/:id/cases',
    { config: { permission: 'scorecard.read' }, schema: { tags, summary: "The cases behind one of an agent's counts", params, querystring: s.drillQuery, response: { 200: s.drillResult } } },
    (req) => s.scorecardCases(ctx, req.params.id, req.query, actor(req)),
  );
  app.get(
    '/api/v1/scorecards/config',
    { config: { permission: 'scorecard.read' }, schema: { tags, summary: 'Indicator weights and the first-response target', response: { 200: s.scorecardConfigSchema } } },
    () => s.scorecardConfig(ctx),
  );
  app.put(
    '/api/v1/scorecards/config',
    { config: { permission: 'scorecard.config.write' }, schema: { tags, summary: 'Set the weights (summing to 100) and the first-response target', body: s.scorecardConfigSchema, response: { 200: s.scorecardConfigSchema } } },
    (req) => s.updateScorecardConfig(ctx, req.body, actor(req)),
  );

  app.get(
    '/api/v1/supervision/items',
    { config: { permission: 'supervision.read' }, schema: { tags, summary: 'The items a department is assessed on', response: { 200: s.supervisionItems } } },
    () => s.supervisionItemsOf(ctx),
  );
  app.put(
    '/api/v1/supervision/items',
    { config: { permission: 'supervision.write' }, schema: { tags, summary: 'Set the assessment items', body: s.supervisionItems, response: { 200: s.supervisionItems } } },
    (req) => s.updateSupervisionItems(ctx, req.body, actor(req)),
  );
  app.get(
    '/api/v1/supervision/assessments',
    { config: { permission: 'supervision.read' }, schema: { tags, summary: 'Monthly assessments, every version (drafts for the director only)', querystring: s.assessmentListQuery, response: { 200: z.array(s.assessmentView) } } },
    (req) => s.listAssessments(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/supervision/assessments/:id',
    { config: { permission: 'supervision.read' }, schema: { tags, summary: 'One assessment', params, response: { 200: s.assessmentView } } },
    (req) => s.getAssessment(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/supervision/assessments',
    { config: { permission: 'supervision.write' }, schema: { tags, summary: "Start a department's assessment for a month (a draft)", body: s.assessmentBody, response: { 201: s.assessmentView } } },
    async (req, reply) => reply.status(201).send(await s.createAssessment(ctx, req.body, actor(req))),
  );
  app.put(
    '/api/v1/supervision/assessments/:id',
    { config: { permission: 'supervision.write' }, schema: { tags, summary: 'Edit a draft', params, body: s.assessmentPatch, response: { 200: s.assessmentView } } },
    (req) => s.updateAssessment(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/supervision/assessments/:id/publish',
    { config: { permission: 'supervision.write' }, schema: { tags, summary: 'Publish a draft (read-only from then on)', params, response: { 200: s.assessmentView } } },
    (req) => s.publishAssessment(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/supervision/assessments/:id/corrections',
    { config: { permission: 'supervision.write' }, schema: { tags, summary: 'Correct a published assessment: a new version with the reason', params, body: s.correctionBody, response: { 201: s.assessmentView } } },
    async (req, reply) => reply.status(201).send(await s.correctAssessment(ctx, req.params.id, req.body, actor(req))),
  );
}
