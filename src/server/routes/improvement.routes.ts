import type { Ctx } from '../../core/context.ts';
import { idParams } from '../../core/modules/cases/index.ts';
import * as capa from '../../core/modules/improvement/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['problems'];

/**
 * Root-cause analysis and corrective/preventive actions (CAPA, SPEC 8): problem records (问题单),
 * the cases linked to them, their actions and the effectiveness check. Who may act on which record
 * (its owner, a manager or the director; agents on the cases they may open) is checked in the service.
 */
export function improvementRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/problems',
    {
      config: { permission: 'problem.read' },
      schema: { tags, summary: 'Problem records by status (or active), owner, cause category, text; newest first', querystring: capa.problemListQuery, response: { 200: capa.problemListResponse } },
    },
    (req) => capa.listProblems(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/problems',
    {
      config: { permission: 'problem.write' },
      schema: { tags, summary: 'Open a problem record (owner: a lead), with the cases behind it', body: capa.createProblemBody, response: { 201: capa.problemSchema } },
    },
    async (req, reply) => reply.status(201).send(await capa.createProblem(ctx, req.body, actor(req))),
  );
  app.get(
    '/api/v1/problems/candidates',
    {
      config: { permission: 'problem.write' },
      schema: {
        tags,
        summary: 'Clusters of recent cases sharing a category (and customer) not yet linked to an active problem record, largest first',
        querystring: capa.candidateQuery,
        response: { 200: capa.candidatesResponse },
      },
    },
    (req) => capa.problemCandidates(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/problems/:id',
    { config: { permission: 'problem.read' }, schema: { tags, summary: 'One problem record: linked cases, root cause, actions, checks and the evidence', params: capa.problemParams, response: { 200: capa.problemSchema } } },
    (req) => capa.getProblem(ctx, req.params.id, actor(req)),
  );
  app.patch(
    '/api/v1/problems/:id',
    {
      config: { permission: 'problem.write' },
      schema: { tags, summary: 'Change the title, description, owner, check interval or the root cause (its category and analysis)', params: capa.problemParams, body: capa.updateProblemBody, response: { 200: capa.problemSchema } },
    },
    (req) => capa.updateProblem(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/problems/:id/status',
    {
      config: { permission: 'problem.write' },
      schema: { tags, summary: 'Move it on: open -> analysing -> actions, or cancel it with the reason', params: capa.problemParams, body: capa.moveProblemBody, response: { 200: capa.problemSchema } },
    },
    (req) => capa.moveProblem(ctx, req.params.id, req.body.to, req.body.reason, actor(req)),
  );
  app.post(
    '/api/v1/problems/:id/cases',
    {
      config: { permission: 'problem.propose' },
      schema: { tags, summary: "Link a case (the record's owner or a manager), or propose it (anyone else handling cases)", params: capa.problemParams, body: capa.linkCaseBody, response: { 200: capa.problemSchema } },
    },
    (req) => capa.linkCase(ctx, req.params.id, req.body.caseId, actor(req)),
  );
  app.delete(
    '/api/v1/problems/:id/cases/:caseId',
    {
      config: { permission: 'problem.propose' },
      schema: { tags, summary: 'Unlink a case (the owner or a manager), or withdraw your own proposal', params: capa.problemCaseParams, response: { 200: capa.problemSchema } },
    },
    (req) => capa.unlinkCase(ctx, req.params.id, req.params.caseId, actor(req)),
  );
  app.post(
    '/api/v1/problems/:id/actions',
    {
      config: { permission: 'problem.write' },
      schema: { tags, summary: 'Add a corrective or preventive action, due at the close of business of its date', params: capa.problemParams, body: capa.newActionBody, response: { 200: capa.problemSchema } },
    },
    (req) => capa.addAction(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/problems/:id/actions/:actionId/done',
    {
      config: { permission: 'problem.action' },
      schema: { tags, summary: "Mark an action done with its note (its owner, or the record's owner); the last one starts the effectiveness check", params: capa.actionParams, body: capa.completeActionBody, response: { 200: capa.problemSchema } },
    },
    (req) => capa.completeAction(ctx, req.params.id, req.params.actionId, req.body.note, actor(req)),
  );
  app.post(
    '/api/v1/problems/:id/actions/:actionId/cancel',
    {
      config: { permission: 'problem.write' },
      schema: { tags, summary: 'Cancel an action, with the reason', params: capa.actionParams, body: capa.cancelActionBody, response: { 200: capa.problemSchema } },
    },
    (req) => capa.cancelAction(ctx, req.params.id, req.params.actionId, req.body.reason, actor(req)),
  );
  app.post(
    '/api/v1/problems/:id/check',
    {
      config: { permission: 'problem.write' },
      schema: { tags, summary: 'Record the effectiveness check from its date on: worked closes it, not_worked sends it back to actions', params: capa.problemParams, body: capa.checkBody, response: { 200: capa.problemSchema } },
    },
    (req) => capa.checkProblem(ctx, req.params.id, req.body.result, req.body.evidence, actor(req)),
  );
  app.get(
    '/api/v1/cases/:id/problems',
    { config: { permission: 'problem.read' }, schema: { tags, summary: 'The problem records the case is linked to or proposed for', params: idParams, response: { 200: capa.caseProblemsResponse } } },
    (req) => capa.caseProblems(ctx, req.params.id, actor(req)),
  );
}
