import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as sv from '../../core/modules/surveys/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['surveys'];

/**
 * Periodic satisfaction surveys (定期满意度调查, SPEC 6 "and periodically"): waves to an audience,
 * once or monthly / quarterly; their results. Leads read; a manager or the director creates,
 * launches and cancels (each write audited by the service).
 */
export function surveyWaveRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/survey-waves',
    { config: { permission: 'survey.wave.read' }, schema: { tags, summary: 'Periodic survey waves, newest first, with sent, answered and response rate', response: { 200: z.array(sv.waveView) } } },
    (req) => sv.listWaves(ctx, actor(req)),
  );
  app.post(
    '/api/v1/survey-waves',
    {
      config: { permission: 'survey.wave.write' },
      schema: { tags, summary: 'Create a wave: name, scale, audience (all, tier, lifecycle stage, a case in the last N days, or a list), once / monthly / quarterly, quiet period', body: sv.waveInputSchema, response: { 201: sv.waveView } },
    },
    async (req, reply) => reply.status(201).send(await sv.createWave(ctx, req.body, actor(req))),
  );
  app.get(
    '/api/v1/survey-waves/:id',
    { config: { permission: 'survey.wave.read' }, schema: { tags, summary: "A wave's results: sent, answered, response rate, CSAT, NPS, dimensions; not sent by reason; each run", params: sv.waveParams, response: { 200: sv.waveResultsSchema } } },
    (req) => sv.waveResults(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/survey-waves/:id/launch',
    { config: { permission: 'survey.wave.write' }, schema: { tags, summary: 'Run a wave now instead of at its start (before its first run)', params: sv.waveParams, response: { 200: sv.waveRunResult } } },
    (req) => sv.launchWave(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/survey-waves/:id/cancel',
    { config: { permission: 'survey.wave.write' }, schema: { tags, summary: 'Stop a scheduled wave (links sent stay answerable)', params: sv.waveParams, response: { 200: sv.waveView } } },
    (req) => sv.cancelWave(ctx, req.params.id, actor(req)),
  );
}
