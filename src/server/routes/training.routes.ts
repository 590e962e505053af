import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import * as t from '../../core/modules/training/index.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['training'];
const params = z.strictObject({ id: z.string().min(1).max(64) });
const allQuery = z.strictObject({ all: z.enum(['true', 'false']).transform((v) => v === 'true').optional() });
const sittingRow = z.object({ id: z.string(), examId: z.string(), title: z.string(), period: z.string(), opensAt: z.number(), closesAt: z.number(), allowRetake: z.boolean() });

/**
 * Training and certification (SPEC 7, 培训与认证): trainers (supervisor and above, admin) write
 * courses, question banks and exams, publish them and schedule monthly sittings; staff take the
 * published sittings (the paper never carries its answers before submission; graded on the
 * server); certificates, their revocation, and the setting that makes handling a case need one.
 */
export function trainingRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/training/courses',
    { config: { permission: 'training.read' }, schema: { tags, summary: 'Courses (all=true: inactive too)', querystring: allQuery, response: { 200: z.array(t.courseView) } } },
    (req) => t.listCourses(ctx, req.query.all ?? false, actor(req)),
  );
  app.post(
    '/api/v1/training/courses/:id/complete',
    { config: { permission: 'training.take' }, schema: { tags, summary: 'Mark a course I studied complete (once; a repeat answers the first)', params, response: { 200: t.completionView } } },
    (req) => t.completeCourse(ctx, req.params.id, actor(req)),
  );
  app.get(
    '/api/v1/training/due',
    { config: { permission: 'training.results' }, schema: { tags, summary: 'Required courses my staff have yet to complete (their targeted roles or skills)', response: { 200: z.array(t.dueRow) } } },
    (req) => t.dueTraining(ctx, actor(req)),
  );
  app.post(
    '/api/v1/training/courses',
    { config: { permission: 'training.write' }, schema: { tags, summary: 'Create a course', body: t.courseBody, response: { 201: t.courseView } } },
    async (req, reply) => reply.status(201).send(await t.createCourse(ctx, req.body, actor(req))),
  );
  app.put(
    '/api/v1/training/courses/:id',
    { config: { permission: 'training.write' }, schema: { tags, summary: 'Edit a course', params, body: t.courseBody, response: { 200: t.courseView } } },
    (req) => t.updateCourse(ctx, req.params.id, req.body, actor(req)),
  );
  app.get(
    '/api/v1/training/courses/:id/questions',
    { config: { permission: 'training.write' }, schema: { tags, summary: "A course's question bank (with the answers: authors only)", params, response: { 200: z.array(t.questionView) } } },
    (req) => t.listQuestions(ctx, req.params.id),
  );
  app.post(
    '/api/v1/training/courses/:id/questions',
    { config: { permission: 'training.write' }, schema: { tags, summary: 'Add a question to the bank', params, body: t.questionBody, response: { 201: t.questionView } } },
    async (req, reply) => reply.status(201).send(await t.createQuestion(ctx, req.params.id, req.body, actor(req))),
  );
  app.put(
    '/api/v1/training/questions/:id',
    { config: { permission: 'training.write' }, schema: { tags, summary: 'Edit a bank question (exams keep their copy)', params, body: t.questionBody, response: { 200: t.questionView } } },
    (req) => t.updateQuestion(ctx, req.params.id, req.body, actor(req)),
  );

  app.get(
    '/api/v1/training/exams',
    { config: { permission: 'training.write' }, schema: { tags, summary: 'Exams with their questions and answers (all=true: every version)', querystring: allQuery, response: { 200: z.array(t.examView) } } },
    (req) => t.listExams(ctx, req.query.all ?? false),
  );
  app.post(
    '/api/v1/training/exams',
    { config: { permission: 'training.write' }, schema: { tags, summary: 'Create an exam (a draft) from bank questions', body: t.examBody, response: { 201: t.examView } } },
    async (req, reply) => reply.status(201).send(await t.createExam(ctx, req.body, actor(req))),
  );
  app.put(
    '/api/v1/training/exams/:id',
    { config: { permission: 'training.write' }, schema: { tags, summary: 'Edit an exam (a published one: a new draft version)', params, body: t.examBody, response: { 200: t.examView } } },
    (req) => t.updateExam(ctx, req.params.id, req.body, actor(req)),
  );
  app.post(
    '/api/v1/training/exams/:id/publish',
    { config: { permission: 'training.write' }, schema: { tags, summary: 'Publish an exam: its questions are frozen', params, response: { 200: t.examView } } },
    (req) => t.publishExam(ctx, req.params.id, actor(req)),
  );

  app.get(
    '/api/v1/training/sittings',
    { config: { permission: 'training.read' }, schema: { tags, summary: 'Sittings of published exams, with my state in each', response: { 200: z.array(t.sittingView) } } },
    (req) => t.listSittings(ctx, actor(req)),
  );
  app.post(
    '/api/v1/training/sittings',
    { config: { permission: 'training.write' }, schema: { tags, summary: 'Schedule a sitting (e.g. the monthly exam) of a published exam', body: t.sittingBody, response: { 201: sittingRow } } },
    async (req, reply) => {
      const s = await t.createSitting(ctx, req.body, actor(req));
      return reply.status(201).send({ id: s.id, examId: s.exam_id, title: s.title, period: s.period, opensAt: s.opens_at, closesAt: s.closes_at, allowRetake: s.allow_retake === 1 });
    },
  );
  app.get(
    '/api/v1/training/sittings/:id/results',
    { config: { permission: 'training.results' }, schema: { tags, summary: 'Who took a sitting: score, pass or fail', params, response: { 200: z.array(t.resultRow) } } },
    (req) => t.sittingResults(ctx, req.params.id, actor(req)),
  );
  app.post(
    '/api/v1/training/sittings/:id/attempts',
    { config: { permission: 'training.take' }, schema: { tags, summary: 'Start (or resume) my attempt: the server starts the clock', params, response: { 201: t.attemptView } } },
    async (req, reply) => reply.status(201).send(await t.startAttempt(ctx, req.params.id, actor(req))),
  );
  app.get(
    '/api/v1/training/attempts',
    { config: { permission: 'training.read' }, schema: { tags, summary: 'My attempts, newest first', response: { 200: z.array(t.attemptView) } } },
    (req) => t.myAttempts(ctx, actor(req)),
  );
  app.get(
    '/api/v1/training/attempts/:id',
    { config: { permission: 'training.read' }, schema: { tags, summary: 'One attempt (mine; a trainer: anyone\'s)', params, response: { 200: t.attemptView } } },
    (req) => t.getAttempt(ctx, req.params.id, actor(req)),
  );
  app.put(
    '/api/v1/training/attempts/:id/answers',
    { config: { permission: 'training.take' }, schema: { tags, summary: 'Save answers (before the deadline)', params, body: t.answersBody, response: { 200: t.attemptView } } },
    (req) => t.answerAttempt(ctx, req.params.id, req.body.answers, false, actor(req)),
  );
  app.post(
    '/api/v1/training/attempts/:id/submit',
    { config: { permission: 'training.take' }, schema: { tags, summary: 'Hand in: graded on the server; a pass of a certifying exam issues a certificate', params, body: t.answersBody, response: { 200: t.attemptView } } },
    (req) => t.answerAttempt(ctx, req.params.id, req.body.answers, true, actor(req)),
  );

  app.get(
    '/api/v1/training/certificates',
    { config: { permission: 'training.read' }, schema: { tags, summary: 'Certificates (mine; trainers, inspectors, admins: anyone\'s)', querystring: t.certificateListQuery, response: { 200: z.array(t.certificateView) } } },
    (req) => t.listCertificates(ctx, req.query, actor(req)),
  );
  app.post(
    '/api/v1/training/certificates/:id/revoke',
    { config: { permission: 'training.revoke' }, schema: { tags, summary: 'Revoke a certificate with a reason', params, body: t.revokeBody, response: { 200: t.certificateView } } },
    (req) => t.revokeCertificate(ctx, req.params.id, req.body.reason, actor(req)),
  );
  app.get(
    '/api/v1/training/settings',
    { config: { permission: 'training.read' }, schema: { tags, summary: 'Whether handling a case needs a certificate, and which', response: { 200: t.trainingSettingsSchema } } },
    () => t.trainingSettings(ctx),
  );
  app.patch(
    '/api/v1/training/settings',
    { config: { permission: 'training.settings.write' }, schema: { tags, summary: 'Turn certification enforcement on or off; map categories to certificates', body: t.trainingSettingsPatch, response: { 200: t.trainingSettingsSchema } } },
    (req) => t.updateTrainingSettings(ctx, req.body, actor(req)),
  );
}
