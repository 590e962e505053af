import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as cases from '../../core/modules/cases/index.ts';
import type { Permission } from '../../core/modules/users/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['cases'];
const ATTACHMENT_BODY_LIMIT = 16 * 1024 * 1024;

export function caseRoutes(app: ZApp, ctx: Ctx): void {
  app.post(
    '/api/v1/cases',
    {
      config: { permission: 'case.create' },
      bodyLimit: ATTACHMENT_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Create a case from any channel (honours Idempotency-Key)',
        body: cases.newCaseBody,
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        response: { 200: cases.caseViewResponse, 201: cases.caseViewResponse },
      },
    },
    async (req, reply) => {
      const r = await cases.createCase(ctx, req.body, actor(req), req.headers['idempotency-key']);
      if (!r.created) reply.header('idempotent-replayed', 'true');
      return reply.status(r.created ? 201 : 200).send(cases.caseViewFor(actor(req), r.case));
    },
  );

  app.get(
    '/api/v1/cases',
    {
      config: { permission: 'case.read' },
      schema: {
        tags,
        summary: "List, filter, search and page through cases (each open case with its next commitment deadline, the queue's time left)",
        querystring: cases.caseListQuery,
        response: { 200: cases.caseListResponseFor },
      },
    },
    async (req) => cases.caseListFor(actor(req), await cases.listCases(ctx, req.query, actor(req))),
  );

  app.get(
    '/api/v1/cases/counts',
    { config: { permission: 'case.queue' }, schema: { tags, summary: 'Open work by status, mine, unassigned', querystring: z.strictObject({ teamId: z.string().max(64).optional() }) } },
    (req) => cases.queueCounts(ctx, actor(req), req.query.teamId),
  );

  app.get(
    '/api/v1/cases/by-number/:number',
    { config: { permission: 'case.read' }, schema: { tags, params: z.strictObject({ number: z.string().max(40) }), response: { 200: cases.caseDetailResponse } } },
    async (req) => cases.caseDetailFor(actor(req), await cases.getCaseByNumber(ctx, req.params.number, actor(req))),
  );

  app.get(
    '/api/v1/cases/:id',
    { config: { permission: 'case.read' }, schema: { tags, summary: 'One case with its timeline (a customer: its public part)', params: cases.idParams, response: { 200: cases.caseDetailResponse } } },
    async (req) => cases.caseDetailFor(actor(req), await cases.getCase(ctx, req.params.id, actor(req))),
  );

  app.get(
    '/api/v1/cases/:id/attachments/:attachmentId',
    { config: { permission: 'case.read' }, schema: { tags, params: z.strictObject({ id: z.string().max(64), attachmentId: z.string().max(64) }) } },
    async (req, reply) => {
      const a = await cases.getAttachment(ctx, req.params.id, req.params.attachmentId, actor(req));
      return reply
        .header('content-type', a.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`)
        .header('x-content-type-options', 'nosniff')
        .send(a.content);
    },
  );

  const action = <S extends z.ZodType>(
    path: string,
    permission: Permission,
    body: S,
    summary: string,
    run: (id: string, body: z.output<S>, a: ReturnType<typeof actor>) => Promise<cases.CaseView>,
    bodyLimit?: number,
  ) =>
    app.post(
      `/api/v1/cases/:id/${path}`,
      { config: { permission }, ...(bodyLimit ? { bodyLimit } : {}), schema: { tags, summary, params: cases.idParams, body, response: { 200: cases.caseViewResponse } } },
      async (req) => cases.caseViewFor(actor(req), await run(req.params.id, req.body as z.output<S>, actor(req))),
    );

  action('replies', 'case.reply', cases.replyBody, 'Public reply (to the customer, or by the customer)', (id, b, a) => cases.reply(ctx, id, b, a));
  action('notes', 'case.note', cases.noteBody, 'Internal note', (id, b, a) => cases.addNote(ctx, id, b.body, a));
  app.post(
    '/api/v1/cases/:id/attachments',
    {
      config: { permission: 'case.attach' },
      bodyLimit: ATTACHMENT_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Attach a file (base64)',
        params: cases.idParams,
        body: cases.attachBody,
        response: { 200: z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int(), sha256: z.string() }) },
      },
    },
    (req) => cases.attach(ctx, req.params.id, req.body, actor(req)),
  );
  action('classify', 'case.classify', cases.classifyBody, 'Reclassify with a recorded reason', (id, b, a) => cases.classify(ctx, id, b, a));
  action('take', 'case.take', z.strictObject({}), 'Take the case: the first taker owns it (首问负责)', (id, _b, a) => cases.take(ctx, id, a));
  action('assign', 'case.assign', cases.assignBody, 'Assign to an agent (hand-over note if it has an owner)', (id, b, a) => cases.assign(ctx, id, b, a));
  action('transfer', 'case.transfer', cases.transferBody, 'Hand over to another agent or team (note required)', (id, b, a) => cases.transfer(ctx, id, b, a));
  action('status', 'case.status', cases.statusBody, 'Move between open and pending states', (id, b, a) => cases.changeStatus(ctx, id, b, a));
  action('resolve', 'case.resolve', cases.resolveBody, 'Resolve with cause and solution', (id, b, a) => cases.resolve(ctx, id, b, a));
  action('confirm', 'case.confirm', cases.confirmBody, 'Customer confirms the resolution; the case closes', (id, b, a) => cases.confirm(ctx, id, b, a));
  action('close', 'case.close', cases.closeBody, 'Close (solved, duplicate, spam, withdrawn...)', (id, b, a) => cases.close(ctx, id, b, a));
  action('reopen', 'case.reopen', cases.reopenBody, 'Reopen a resolved or closed case', (id, b, a) => cases.reopen(ctx, id, b, a));

  app.get('/api/v1/categories', { config: { permission: 'category.read' }, schema: { tags: ['categories'] } }, () => cases.listCategories(ctx));
  app.post(
    '/api/v1/categories',
    {
      config: { permission: 'category.write' },
      schema: {
        tags: ['categories'],
        body: z.strictObject({ code: z.string().regex(/^[a-z0-9_.-]{1,64}$/), name: z.string().trim().min(1).max(100), nameEn: z.string().trim().min(1).max(100), parentId: z.string().max(64).nullable().optional() }),
      },
    },
    async (req, reply) => reply.status(201).send(await cases.createCategory(ctx, req.body, actor(req))),
  );

  app.get(
    '/api/v1/settings/classification',
    { config: { permission: 'settings.read' }, schema: { tags: ['settings'], summary: 'The priority matrix (impact × urgency) and the repeat-complaint window' } },
    () => cases.classificationSettings(ctx),
  );
  app.put(
    '/api/v1/settings/classification',
    {
      config: { permission: 'settings.write' },
      schema: { tags: ['settings'], summary: 'Change them: applies to cases classified from now on', body: cases.classificationSettingsSchema.partial() },
    },
    (req) => cases.updateClassificationSettings(ctx, req.body, actor(req)),
  );
}
