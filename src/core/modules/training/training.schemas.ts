import { z } from 'zod';

/** The API contract of training and certification (培训与认证, SPEC 7). */

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z.string().min(1).max(64);
const ms = z.number().int().min(0);
/** A skill or category a certificate stands for: lower-case words, or a category id. */
export const skill = z.string().trim().min(1).max(64).regex(/^[\w.-]+$/, 'letters, digits, _ . - only');

// ---- courses ------------------------------------------------------------------------------------

export const courseBody = z.strictObject({
  title: text(200),
  description: z.string().trim().max(4_000).optional(),
  material: z.string().trim().max(20_000).optional(),
  targetRoles: z.array(z.enum(['agent', 'supervisor', 'manager', 'director', 'inspector'])).max(5).default([]),
  targetSkills: z.array(skill).max(20).default([]),
  required: z.boolean().default(false),
  active: z.boolean().default(true),
});
export type CourseInput = z.infer<typeof courseBody>;

export const courseView = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  material: z.string().nullable(),
  targetRoles: z.array(z.string()),
  targetSkills: z.array(z.string()),
  required: z.boolean(),
  active: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** When the viewer marked the course complete (null: not yet). */
  completedAt: z.number().nullable(),
});
export type CourseView = z.infer<typeof courseView>;

/** The viewer's completion of a course (经培训): marked once, kept. */
export const completionView = z.object({ courseId: z.string(), userId: z.string(), completedAt: z.number() });
export type CompletionView = z.infer<typeof completionView>;

/**
 * A member of staff who has yet to complete a required course meant for them (for their leads):
 * targeted by role or skill as the course names them (neither named: all staff who take training).
 */
export const dueRow = z.object({
  courseId: z.string(),
  courseTitle: z.string(),
  userId: z.string(),
  userName: z.string(),
  role: z.string(),
  teamId: z.string().nullable(),
});
export type DueRow = z.infer<typeof dueRow>;

// ---- question bank ------------------------------------------------------------------------------

export const QUESTION_KINDS = ['single', 'multiple', 'true_false'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export const questionBody = z
  .strictObject({
    kind: z.enum(QUESTION_KINDS),
    prompt: text(2_000),
    /** true_false: leave out (对 / 错). */
    options: z.array(text(500)).min(2).max(8).optional(),
    /** The indexes of the right options (single and true_false: exactly one). */
    answer: z.array(z.number().int().min(0).max(7)).min(1).max(8),
    points: z.number().int().min(1).max(100).default(1),
    active: z.boolean().default(true),
  })
  .refine((q) => q.kind === 'true_false' || q.options !== undefined, { message: 'a choice question needs its options', path: ['options'] });
export type QuestionInput = z.infer<typeof questionBody>;

/** A question as its author sees it (with the answer). */
export const questionView = z.object({
  id: z.string(),
  courseId: z.string(),
  kind: z.enum(QUESTION_KINDS),
  prompt: z.string(),
  options: z.array(z.string()),
  answer: z.array(z.number()),
  points: z.number(),
  active: z.boolean(),
});
export type QuestionView = z.infer<typeof questionView>;
/** What an exam holds of a question (a copy, frozen once published). */
export type ExamQuestion = Omit<QuestionView, 'courseId' | 'active'>;
/** What a taker sees of a question before submitting: no answer. */
export const paperQuestion = z.object({ id: z.string(), kind: z.enum(QUESTION_KINDS), prompt: z.string(), options: z.array(z.string()), points: z.number() });

// ---- exams and sittings -------------------------------------------------------------------------

export const examBody = z.strictObject({
  courseId: id,
  title: text(200),
  /** Questions of the course's bank, in order. */
  questionIds: z.array(id).min(1).max(200),
  passScore: z.number().int().min(0).max(100).default(60),
  timeLimitMinutes: z.number().int().min(1).max(600).default(30),
  certifies: skill.nullable().optional(),
  validityMonths: z.number().int().min(1).max(60).default(12),
});
export type ExamInput = z.infer<typeof examBody>;

export const examView = z.object({
  id: z.string(),
  familyId: z.string(),
  version: z.number(),
  current: z.boolean(),
  courseId: z.string(),
  title: z.string(),
  status: z.enum(['draft', 'published']),
  passScore: z.number(),
  timeLimitMinutes: z.number(),
  certifies: z.string().nullable(),
  validityMonths: z.number(),
  maxPoints: z.number(),
  questions: z.array(questionView.omit({ courseId: true, active: true })),
  publishedAt: z.number().nullable(),
  createdAt: z.number(),
});
export type ExamView = z.infer<typeof examView>;

export const sittingBody = z
  .strictObject({
    examId: id,
    title: text(200),
    period: z.string().regex(/^\d{4}-\d{2}$/, 'YYYY-MM'),
    opensAt: ms,
    closesAt: ms,
    allowRetake: z.boolean().default(false),
  })
  .refine((s) => s.closesAt > s.opensAt, { message: 'closesAt must be after opensAt', path: ['closesAt'] });
export type SittingInput = z.infer<typeof sittingBody>;

export const sittingView = z.object({
  id: z.string(),
  examId: z.string(),
  examTitle: z.string(),
  title: z.string(),
  period: z.string(),
  opensAt: z.number(),
  closesAt: z.number(),
  allowRetake: z.boolean(),
  timeLimitMinutes: z.number(),
  passScore: z.number(),
  certifies: z.string().nullable(),
  questionCount: z.number(),
  courseId: z.string(),
  /** The exam's course is required and the viewer has not completed it: no start before they do. */
  needsCourse: z.boolean(),
  /** The viewer's own attempts' state: none yet, in progress, passed or failed (the latest). */
  myStatus: z.enum(['none', 'in_progress', 'passed', 'failed']),
  mayStart: z.boolean(),
});
export type SittingView = z.infer<typeof sittingView>;

// ---- attempts ---------------------------------------------------------------------------------

export const answersBody = z.strictObject({ answers: z.record(id, z.array(z.number().int().min(0).max(7)).max(8)) });
export type AnswersInput = z.infer<typeof answersBody>['answers'];

export const attemptView = z.object({
  id: z.string(),
  sittingId: z.string(),
  examId: z.string(),
  examTitle: z.string(),
  userId: z.string(),
  userName: z.string(),
  attemptNo: z.number(),
  status: z.enum(['in_progress', 'submitted']),
  startedAt: z.number(),
  deadlineAt: z.number(),
  /** Seconds left now (0 once the time is up). */
  secondsLeft: z.number(),
  answers: z.record(z.string(), z.array(z.number())),
  /** The paper without answers while in progress; with them (answer, correct) once submitted. */
  questions: z.array(paperQuestion.extend({ answer: z.array(z.number()).optional(), correct: z.boolean().optional() })),
  submittedAt: z.number().nullable(),
  awarded: z.number().nullable(),
  maxPoints: z.number().nullable(),
  score: z.number().nullable(),
  passed: z.boolean().nullable(),
  passScore: z.number(),
  certificateId: z.string().nullable(),
});
export type AttemptView = z.infer<typeof attemptView>;

export const resultRow = z.object({
  attemptId: z.string(),
  userId: z.string(),
  userName: z.string(),
  attemptNo: z.number(),
  status: z.enum(['in_progress', 'submitted']),
  submittedAt: z.number().nullable(),
  score: z.number().nullable(),
  passed: z.boolean().nullable(),
});

// ---- certificates and enforcement ---------------------------------------------------------------

export const certificateView = z.object({
  id: z.string(),
  userId: z.string(),
  userName: z.string(),
  skill: z.string(),
  examId: z.string().nullable(),
  issuedAt: z.number(),
  expiresAt: z.number(),
  revokedAt: z.number().nullable(),
  revokeReason: z.string().nullable(),
  /** valid | expired | revoked, now */
  state: z.enum(['valid', 'expired', 'revoked']),
});
export type CertificateView = z.infer<typeof certificateView>;
export const certificateListQuery = z.strictObject({ userId: id.optional(), mine: z.enum(['true', 'false']).transform((v) => v === 'true').optional() });
export const revokeBody = z.strictObject({ reason: text(1_000) });

/**
 * "Only certified staff may handle cases" (上岗): when on, a case of a category listed in
 * `categoryRequirements` (category id -> skill) is given only to staff with a valid certificate of
 * that skill, by routing and by hand. Off by default (an installation certifies its staff first).
 */
export const trainingSettingsSchema = z.object({
  enforceCertification: z.boolean(),
  categoryRequirements: z.record(id, skill),
});
export type TrainingSettings = z.infer<typeof trainingSettingsSchema>;
export const trainingSettingsPatch = z.strictObject({ enforceCertification: z.boolean().optional(), categoryRequirements: z.record(id, skill).optional() });
