import { api, post, withQuery } from '../../api.ts';
import type { AttemptView, CertificateView, CompletionView, CourseView, DueRow, ExamView, QuestionView, SittingView, TrainingSettings } from '../../../../src/core/modules/training/training.schemas.ts';

export type { AttemptView, CertificateView, CompletionView, CourseView, DueRow, ExamView, QuestionView, SittingView, TrainingSettings };

/** Training and certification (SPEC 7): training.routes.ts. */
export interface ResultRow {
  attemptId: string;
  userId: string;
  userName: string;
  attemptNo: number;
  status: 'in_progress' | 'submitted';
  submittedAt: number | null;
  score: number | null;
  passed: boolean | null;
}

const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });
const enc = encodeURIComponent;
type Answers = Record<string, number[]>;

export const listCourses = (all = false) => api<CourseView[]>(withQuery('/api/v1/training/courses', all ? { all: 'true' } : {}));
export const createCourse = (body: unknown) => post<CourseView>('/api/v1/training/courses', body);
export const completeCourse = (id: string) => post<CompletionView>(`/api/v1/training/courses/${enc(id)}/complete`);
export const listDue = () => api<DueRow[]>('/api/v1/training/due');
export const listQuestions = (courseId: string) => api<QuestionView[]>(`/api/v1/training/courses/${enc(courseId)}/questions`);
export const createQuestion = (courseId: string, body: unknown) => post<QuestionView>(`/api/v1/training/courses/${enc(courseId)}/questions`, body);
export const listExams = () => api<ExamView[]>('/api/v1/training/exams');
export const createExam = (body: unknown) => post<ExamView>('/api/v1/training/exams', body);
export const publishExam = (id: string) => post<ExamView>(`/api/v1/training/exams/${enc(id)}/publish`);
export const listSittings = () => api<SittingView[]>('/api/v1/training/sittings');
export const createSitting = (body: unknown) => post<{ id: string }>('/api/v1/training/sittings', body);
export const sittingResults = (id: string) => api<ResultRow[]>(`/api/v1/training/sittings/${enc(id)}/results`);
export const startAttempt = (sittingId: string) => post<AttemptView>(`/api/v1/training/sittings/${enc(sittingId)}/attempts`);
export const getAttempt = (id: string) => api<AttemptView>(`/api/v1/training/attempts/${enc(id)}`);
export const myAttempts = () => api<AttemptView[]>('/api/v1/training/attempts');
export const saveAnswers = (id: string, answers: Answers) => put<AttemptView>(`/api/v1/training/attempts/${enc(id)}/answers`, { answers });
export const submitAttempt = (id: string, answers: Answers) => post<AttemptView>(`/api/v1/training/attempts/${enc(id)}/submit`, { answers });
export const listCertificates = (mine: boolean) => api<CertificateView[]>(withQuery('/api/v1/training/certificates', mine ? { mine: 'true' } : {}));
export const revokeCertificate = (id: string, reason: string) => post<CertificateView>(`/api/v1/training/certificates/${enc(id)}/revoke`, { reason });
