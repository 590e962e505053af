import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../core/context.ts';
import { idParams } from '../../core/modules/cases/index.ts';
import * as sv from '../../core/modules/surveys/index.ts';
import { DomainError } from '../../core/shared/errors.ts';
import { actor } from '../plugins/auth.ts';
import { renderSurveyForm, renderSurveyProblem, renderSurveyThanks, surveyFormErrors } from '../pages/survey.page.ts';
import type { ZApp } from './zapp.ts';

const tags = ['surveys'];
/** Public endpoints: a token guessed by brute force is hopeless (192 bits), but the server is not made to try. */
const PUBLIC = { public: true, rateLimit: { max: 60, timeWindow: '1 minute' } } as const;
const langQuery = z.strictObject({ lang: z.enum(['zh', 'en']).optional() });
const html = z.string();
/** A page's 4xx: its own HTML page, or the JSON error of what answers before the handler (the rate limit's 429, a malformed token's 400). */
const pageError = z.union([html, z.record(z.string(), z.unknown())]);

/**
 * Satisfaction surveys (SPEC 6): the customer's one-time link (a server-rendered page and its JSON
 * twin), a case's surveys and recovery tasks for staff who may open the case, the report (SPEC 8)
 * and list for leads, inspectors and admins, the recovery inbox, and the admin's scale setting.
 */
export function surveyRoutes(app: ZApp, ctx: Ctx): void {
  // ---- the public link -------------------------------------------------------------------------
  app.get(
    '/api/v1/public/surveys/:token',
    { config: PUBLIC, schema: { tags, summary: 'Public: the survey a link names (404 unknown, 409 answered, 410 expired)', params: sv.surveyTokenParams, response: { 200: z.object({ caseNumber: z.string(), subject: z.string(), scale: z.number(), expiresAt: z.number(), locale: z.string(), periodic: z.boolean().optional() }) } } },
    (req) => sv.publicSurvey(ctx, req.params.token),
  );
  app.post(
    '/api/v1/public/surveys/:token',
    {
      config: PUBLIC,
      schema: { tags, summary: 'Public: answer the survey, once', params: sv.surveyTokenParams, body: sv.surveyAnswerBody, response: { 201: z.object({ band: z.enum(sv.SATISFACTION_BANDS), caseNumber: z.string(), locale: z.string() }) } },
    },
    async (req, reply) => reply.status(201).send(await sv.answerSurvey(ctx, req.params.token, req.body)),
  );
  // the page (no script): its form posts urlencoded, parsed in this scope only
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    const page = scope.withTypeProvider<ZodTypeProvider>();
    const langOf = (q: string | undefined, locale?: string) => (q ?? (locale?.toLowerCase().startsWith('zh') === false ? 'en' : 'zh')) as 'zh' | 'en';
    page.get('/survey/:token', { config: PUBLIC, schema: { hide: true, params: sv.surveyTokenParams, querystring: langQuery, response: { 200: html, '4xx': pageError } } }, async (req, reply) => {
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
      try {
        const s = await sv.publicSurvey(ctx, req.params.token);
        return reply.send(renderSurveyForm(s, langOf(req.query.lang, s.locale), `/survey/${req.params.token}`));
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        return reply.status(err.status).send(renderSurveyProblem(langOf(req.query.lang), err.code));
      }
    });
    page.post(
      '/survey/:token',
      { config: PUBLIC, schema: { hide: true, params: sv.surveyTokenParams, querystring: langQuery, body: z.record(z.string(), z.string().max(4_000)), response: { 201: html, '4xx': pageError } } },
      async (req, reply) => {
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
        const fields = Object.fromEntries(Object.entries(req.body).filter(([, v]) => v.trim() !== ''));
        let lang = langOf(req.query.lang);
        try {
          const s = await sv.publicSurvey(ctx, req.params.token);
          lang = langOf(req.query.lang, s.locale);
          const parsed = sv.surveyAnswerBody.safeParse(fields);
          if (!parsed.success) {
            const words = surveyFormErrors(lang);
            return reply.status(422).send(renderSurveyForm(s, lang, `/survey/${req.params.token}`, fields.csat ? words.invalid : words.required));
          }
          const r = await sv.answerSurvey(ctx, req.params.token, parsed.data);
          return reply.status(201).send(renderSurveyThanks(lang, r.band === 'dissatisfied'));
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          if (err.code === 'score_out_of_scale') {
            const s = await sv.publicSurvey(ctx, req.params.token);
            return reply.status(422).send(renderSurveyForm(s, lang, `/survey/${req.params.token}`, surveyFormErrors(lang).invalid));
          }
          return reply.status(err.status).send(renderSurveyProblem(lang, err.code));
        }
      },
    );
  });

  // ---- staff ----------------------------------------------------------------------------------
  app.get(
    '/api/v1/cases/:id/surveys',
    {
      config: { permission: 'survey.read' },
      schema: { tags, summary: "The case's surveys (newest first) and their recovery tasks", params: idParams, response: { 200: z.object({ surveys: z.array(sv.surveyView), recoveryTasks: z.array(sv.recoveryTaskView) }) } },
    },
    async (req) => {
      const surveys = await sv.caseSurveys(ctx, req.params.id, actor(req));
      return { surveys, recoveryTasks: await sv.caseRecoveryTasks(ctx, req.params.id) };
    },
  );
  app.get(
    '/api/v1/surveys',
    { config: { permission: 'survey.report' }, schema: { tags, summary: 'Surveys issued in a period, by team, agent, channel, status, band; newest first', querystring: sv.surveyListQuery, response: { 200: sv.surveyPage } } },
    (req) => sv.listSurveys(ctx, req.query, actor(req)),
  );
  app.get(
    '/api/v1/surveys/report',
    {
      config: { permission: 'survey.report' },
      schema: { tags, summary: 'SPEC 8: sent, answered, response rate, CSAT mean and bands, NPS, dimension means over surveys issued in [from, to)', querystring: sv.surveyFilterQuery, response: { 200: sv.surveyReportSchema } },
    },
    (req) => sv.surveyReport(ctx, req.query),
  );
  app.get(
    '/api/v1/surveys/recovery-tasks',
    { config: { permission: 'survey.recovery' }, schema: { tags, summary: 'Recovery tasks of low scores: mine, my team’s, or all (managers and above)', querystring: sv.recoveryListQuery, response: { 200: z.array(sv.recoveryTaskView) } } },
    (req) => sv.listRecoveryTasks(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/surveys/recovery-tasks/:id/close',
    {
      config: { permission: 'survey.recovery' },
      schema: { tags, summary: 'Close a recovery task with its outcome (its assignee, a manager or the director)', params: sv.surveyParams, body: sv.closeRecoveryBody, response: { 200: sv.recoveryTaskView } },
    },
    (req) => sv.closeRecoveryTask(ctx, req.params.id, req.body.outcome, actor(req)),
  );
  app.get(
    '/api/v1/surveys/settings',
    { config: { permission: 'survey.read' }, schema: { tags, summary: 'The CSAT scale (1-5 or 1-10) and how many days a link lasts', response: { 200: sv.surveySettingsSchema } } },
    () => sv.surveySettings(ctx),
  );
  app.patch(
    '/api/v1/surveys/settings',
    { config: { permission: 'survey.settings.write' }, schema: { tags, summary: 'Change the scale or expiry (applies to surveys issued from then on)', body: sv.surveySettingsPatch, response: { 200: sv.surveySettingsSchema } } },
    (req) => sv.updateSurveySettings(ctx, req.body, actor(req)),
  );
}
