import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../modules/auth/hooks.ts';
import * as api from '../modules/training/api.ts';
import type { AttemptView, CertificateView, SittingView } from '../modules/training/api.ts';
import { Badge } from '../ui/Badge.tsx';
import { ErrorMessage, Loading } from '../ui/feedback.tsx';
import { Forbidden } from '../ui/Forbidden.tsx';
import { centreMonthRange } from '../ui/centre-month.ts';
import { formatTime } from '../ui/format.ts';

/** 培训与认证 (SPEC 7): my exams (take one against the server's clock), my certificates, courses; trainers author and see results. */
export function TrainingPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [attemptId, setAttemptId] = useState<string | null>(null);
  if (!can('training.read')) return <Forbidden title={t('training.forbiddenTitle')} message={t('training.forbidden')} />;
  return (
    <section className="training-page">
      <div className="page-head">
        <h1>{t('training.title')}</h1>
      </div>
      {attemptId ? (
        <TakeExam id={attemptId} onClose={() => setAttemptId(null)} />
      ) : (
        <>
          {can('training.take') && <MyExams onOpen={setAttemptId} />}
          <Certificates mine />
          <Courses />
          {can('training.results') && <DueTraining />}
          {can('training.write') && <Authoring />}
          {can('training.revoke') && <Certificates mine={false} />}
        </>
      )}
    </section>
  );
}

function MyExams({ onOpen }: { onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const q = useQuery({ queryKey: ['training', 'sittings'], queryFn: api.listSittings });
  const attempts = useQuery({ queryKey: ['training', 'attempts'], queryFn: api.myAttempts });
  const start = useMutation({ mutationFn: (s: SittingView) => api.startAttempt(s.id), onSuccess: (a) => onOpen(a.id) });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  const lastOf = (s: SittingView) => attempts.data?.find((a) => a.sittingId === s.id);
  return (
    <section className="card" data-section="my-exams">
      <h2>{t('training.exams.title')}</h2>
      {q.data.length === 0 ? (
        <p className="muted">{t('training.exams.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('training.exams.sitting')}</th>
              <th>{t('training.exams.window')}</th>
              <th>{t('training.exams.rules')}</th>
              <th>{t('training.exams.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {q.data.map((s) => {
              const last = lastOf(s);
              return (
                <tr key={s.id} data-sitting={s.id}>
                  <td>
                    <strong>{s.title}</strong>
                    <div className="muted small">{s.examTitle}</div>
                  </td>
                  <td className="small">
                    {formatTime(s.opensAt, i18n.language)} – {formatTime(s.closesAt, i18n.language)}
                  </td>
                  <td className="small">{t('training.exams.rulesText', { n: s.questionCount, minutes: s.timeLimitMinutes, pass: s.passScore })}{s.certifies && ` · ${t('training.exams.certifies', { skill: s.certifies })}`}</td>
                  <td>
                    <Badge kind={s.myStatus === 'passed' ? 'resolved' : s.myStatus === 'failed' ? 'failed' : 'pending'}>{t(`training.myStatus.${s.myStatus}`)}</Badge>
                  </td>
                  <td className="row-buttons">
                    {s.needsCourse && s.myStatus !== 'in_progress' && <span className="muted small" data-needs-course>{t('training.exams.needsCourse')}</span>}
                    {can('training.take') && s.mayStart && (
                      <button type="button" disabled={start.isPending} onClick={() => start.mutate(s)}>
                        {s.myStatus === 'in_progress' ? t('training.exams.resume') : t('training.exams.start')}
                      </button>
                    )}
                    {last && last.status === 'submitted' && (
                      <button type="button" className="secondary" onClick={() => onOpen(last.id)}>
                        {t('training.exams.viewResult')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {start.error && <ErrorMessage error={start.error} />}
    </section>
  );
}

/** The paper: answers are saved as they are chosen; the clock is the server's (secondsLeft), counted down here. */
function TakeExam({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['training', 'attempt', id], queryFn: () => api.getAttempt(id) });
  const [answers, setAnswers] = useState<Record<string, number[]>>({});
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    if (q.data) {
      setAnswers(q.data.answers);
      setLeft(q.data.secondsLeft);
    }
  }, [q.data]);
  useEffect(() => {
    if (left === null || left <= 0 || q.data?.status !== 'in_progress') return;
    const timer = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(timer);
  }, [left, q.data?.status]);
  const save = useMutation({ mutationFn: (a: Record<string, number[]>) => api.saveAnswers(id, a) });
  const submit = useMutation({
    mutationFn: () => api.submitAttempt(id, answers),
    onSuccess: (a) => {
      qc.setQueryData(['training', 'attempt', id], a);
      void qc.invalidateQueries({ queryKey: ['training'] });
    },
  });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  const a: AttemptView = q.data;
  const done = a.status === 'submitted';
  const choose = (qid: string, i: number, multiple: boolean) => {
    const cur = answers[qid] ?? [];
    const next = multiple ? (cur.includes(i) ? cur.filter((x) => x !== i) : [...cur, i].sort()) : [i];
    const all = { ...answers, [qid]: next };
    setAnswers(all);
    save.mutate({ [qid]: next });
  };
  const mm = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return (
    <section className="card" data-attempt={a.id} data-status={a.status}>
      <div className="page-head">
        <h2>{a.examTitle}</h2>
        {!done && left !== null && (
          <span className="timer" data-timer>
            {t('training.take.left', { time: mm(left) })}
          </span>
        )}
      </div>
      {done && (
        <p data-result={a.passed ? 'passed' : 'failed'}>
          {t('training.take.score', { score: a.score, awarded: a.awarded, max: a.maxPoints, pass: a.passScore })}{' '}
          <Badge kind={a.passed ? 'resolved' : 'failed'}>{a.passed ? t('training.result.passed') : t('training.result.failed')}</Badge>
          {a.certificateId && <span className="small"> · {t('training.take.certified')}</span>}
        </p>
      )}
      <ol className="exam-paper">
        {a.questions.map((qq) => (
          <li key={qq.id} data-question={qq.id} data-correct={done ? String(qq.correct) : undefined}>
            <p>
              {qq.prompt} <span className="muted small">({t(`training.kind.${qq.kind}`)} · {t('training.take.points', { n: qq.points })})</span>
            </p>
            {qq.options.map((o, i) => (
              <div key={i}>
              <label className={done && qq.answer?.includes(i) ? 'check right-answer' : 'check'}>
                <input
                  type={qq.kind === 'multiple' ? 'checkbox' : 'radio'}
                  name={qq.id}
                  disabled={done || left === 0}
                  checked={(answers[qq.id] ?? []).includes(i)}
                  onChange={() => choose(qq.id, i, qq.kind === 'multiple')}
                />{' '}
                {o}
                {done && qq.answer?.includes(i) && ' ✓'}
              </label>
              </div>
            ))}
          </li>
        ))}
      </ol>
      {save.error && <ErrorMessage error={save.error} />}
      {submit.error && <ErrorMessage error={submit.error} />}
      <div className="row-buttons">
        {!done && (
          <button type="button" disabled={submit.isPending} onClick={() => submit.mutate()}>
            {t('training.take.submit')}
          </button>
        )}
        <button type="button" className="secondary" onClick={onClose}>
          {t('training.take.back')}
        </button>
      </div>
    </section>
  );
}

function Certificates({ mine }: { mine: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['training', 'certificates', mine], queryFn: () => api.listCertificates(mine) });
  const revoke = useMutation({
    mutationFn: (c: CertificateView) => api.revokeCertificate(c.id, window.prompt(t('training.certs.reasonPrompt')) ?? ''),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['training', 'certificates'] }),
  });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  return (
    <section className="card" data-section={mine ? 'my-certificates' : 'all-certificates'}>
      <h2>{mine ? t('training.certs.mine') : t('training.certs.all')}</h2>
      {q.data.length === 0 ? (
        <p className="muted">{t('training.certs.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              {!mine && <th>{t('training.certs.holder')}</th>}
              <th>{t('training.certs.skill')}</th>
              <th>{t('training.certs.issued')}</th>
              <th>{t('training.certs.expires')}</th>
              <th>{t('training.certs.state')}</th>
              {!mine && <th />}
            </tr>
          </thead>
          <tbody>
            {q.data.map((c) => (
              <tr key={c.id} data-certificate={c.id} data-state={c.state}>
                {!mine && <td>{c.userName}</td>}
                <td>{c.skill}</td>
                <td>{formatTime(c.issuedAt, i18n.language)}</td>
                <td>{formatTime(c.expiresAt, i18n.language)}</td>
                <td>
                  <Badge kind={c.state === 'valid' ? 'resolved' : 'failed'}>{t(`training.certState.${c.state}`)}</Badge>
                  {c.revokeReason && <span className="muted small"> · {c.revokeReason}</span>}
                </td>
                {!mine && (
                  <td>
                    {c.state === 'valid' && (
                      <button type="button" className="secondary" onClick={() => revoke.mutate(c)}>
                        {t('training.certs.revoke')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoke.error && <ErrorMessage error={revoke.error} />}
    </section>
  );
}

function Courses() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['training', 'courses'], queryFn: () => api.listCourses() });
  // completing a course may open its exam and take the taker off the leads' due list
  const complete = useMutation({ mutationFn: api.completeCourse, onSuccess: () => qc.invalidateQueries({ queryKey: ['training'] }) });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  return (
    <section className="card" data-section="courses">
      <h2>{t('training.courses.title')}</h2>
      {q.data.length === 0 && <p className="muted">{t('training.courses.none')}</p>}
      {q.data.map((c) => (
        <article key={c.id} data-course={c.id}>
          <h3>
            {c.title} {c.required && <Badge kind="pending">{t('training.courses.required')}</Badge>}
          </h3>
          {c.description && <p>{c.description}</p>}
          {c.material && <pre className="material">{c.material}</pre>}
          {(c.targetRoles.length > 0 || c.targetSkills.length > 0) && (
            <p className="muted small">
              {t('training.courses.for')}: {[...c.targetRoles.map((r) => t(`auth.roles.${r}`)), ...c.targetSkills].join(', ')}
            </p>
          )}
          {c.completedAt !== null ? (
            <p className="small" data-completed>
              <Badge kind="resolved">{t('training.courses.completedAt', { at: formatTime(c.completedAt, i18n.language) })}</Badge>
            </p>
          ) : (
            can('training.take') && (
              <button type="button" className="secondary" disabled={complete.isPending} onClick={() => complete.mutate(c.id)}>
                {t('training.courses.complete')}
              </button>
            )
          )}
        </article>
      ))}
      {complete.error && <ErrorMessage error={complete.error} />}
    </section>
  );
}

/** Leads: the staff they lead who have yet to complete a required course meant for them. */
function DueTraining() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['training', 'due'], queryFn: api.listDue });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  return (
    <section className="card" data-section="due-training">
      <h2>{t('training.due.title')}</h2>
      {q.data.length === 0 ? (
        <p className="muted">{t('training.due.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>{t('training.due.course')}</th>
              <th>{t('training.due.staff')}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.map((r) => (
              <tr key={`${r.courseId}:${r.userId}`} data-due-user={r.userId}>
                <td>{r.courseTitle}</td>
                <td>
                  {r.userName} <span className="muted small">{t(`auth.roles.${r.role}`)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Trainers: a course, its questions, an exam of them, publish, a sitting, the results. */
function Authoring() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['training'] });
  const courses = useQuery({ queryKey: ['training', 'courses', 'all'], queryFn: () => api.listCourses(true) });
  const exams = useQuery({ queryKey: ['training', 'exams'], queryFn: api.listExams });
  const sittings = useQuery({ queryKey: ['training', 'sittings'], queryFn: api.listSittings });
  const [courseId, setCourseId] = useState('');
  const questions = useQuery({ queryKey: ['training', 'questions', courseId], queryFn: () => api.listQuestions(courseId), enabled: courseId !== '' });
  const [resultsOf, setResultsOf] = useState<string | null>(null);
  const results = useQuery({ queryKey: ['training', 'results', resultsOf], queryFn: () => api.sittingResults(resultsOf!), enabled: resultsOf !== null });

  const newCourse = useMutation({ mutationFn: api.createCourse, onSuccess: (c) => (setCourseId(c.id), refresh()) });
  const newQuestion = useMutation({ mutationFn: (b: unknown) => api.createQuestion(courseId, b), onSuccess: refresh });
  const newExam = useMutation({ mutationFn: api.createExam, onSuccess: refresh });
  const publish = useMutation({ mutationFn: api.publishExam, onSuccess: refresh });
  const newSitting = useMutation({ mutationFn: api.createSitting, onSuccess: refresh });

  const form = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    return new FormData(e.currentTarget);
  };
  const onCourse = (e: FormEvent<HTMLFormElement>) => {
    const f = form(e);
    newCourse.mutate({ title: f.get('title'), description: f.get('description') || undefined, material: f.get('material') || undefined, required: f.get('required') === 'on' });
  };
  const onQuestion = (e: FormEvent<HTMLFormElement>) => {
    const f = form(e);
    const kind = String(f.get('kind'));
    const options = String(f.get('options') ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
    const answer = String(f.get('answer')).split(/[,，\s]+/).filter(Boolean).map((s) => Number(s) - 1);
    newQuestion.mutate({ kind, prompt: f.get('prompt'), ...(kind === 'true_false' ? {} : { options }), answer, points: Number(f.get('points')) });
  };
  const onExam = (e: FormEvent<HTMLFormElement>) => {
    const f = form(e);
    newExam.mutate({
      courseId,
      title: f.get('title'),
      questionIds: (questions.data ?? []).filter((x) => x.active).map((x) => x.id),
      passScore: Number(f.get('passScore')),
      timeLimitMinutes: Number(f.get('minutes')),
      certifies: String(f.get('certifies') ?? '').trim() || null,
      validityMonths: Number(f.get('validity')),
    });
  };
  const onSitting = (e: FormEvent<HTMLFormElement>) => {
    const f = form(e);
    const month = String(f.get('period'));
    const [opensAt, closesAt] = centreMonthRange(month);
    newSitting.mutate({ examId: f.get('examId'), title: f.get('title'), period: month, opensAt, closesAt, allowRetake: f.get('retake') === 'on' });
  };
  const published = (exams.data ?? []).filter((x) => x.status === 'published');
  return (
    <section className="card" data-section="authoring">
      <h2>{t('training.author.title')}</h2>
      <div className="grid-2">
        <form onSubmit={onCourse} data-form="course">
          <h3>{t('training.author.newCourse')}</h3>
          <label>
            {t('training.author.courseTitle')}
            <input name="title" required />
          </label>
          <label>
            {t('training.author.description')}
            <input name="description" />
          </label>
          <label>
            {t('training.author.material')}
            <textarea name="material" rows={3} />
          </label>
          <label className="check">
            <input type="checkbox" name="required" /> {t('training.courses.required')}
          </label>
          <button type="submit" disabled={newCourse.isPending}>
            {t('training.author.create')}
          </button>
          {newCourse.error && <ErrorMessage error={newCourse.error} />}
        </form>
        <div>
          <label>
            {t('training.author.course')}
            <select name="courseId" value={courseId} onChange={(e) => setCourseId(e.target.value)}>
              <option value="">—</option>
              {(courses.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
          {courseId && (
            <>
              <ol className="small" data-list="questions">
                {(questions.data ?? []).map((x) => (
                  <li key={x.id}>
                    {x.prompt} <span className="muted">({t(`training.kind.${x.kind}`)} · {x.points} · {x.answer.map((i) => x.options[i]).join(' + ')})</span>
                  </li>
                ))}
              </ol>
              <form onSubmit={onQuestion} data-form="question">
                <h3>{t('training.author.newQuestion')}</h3>
                <label>
                  {t('training.author.kind')}
                  <select name="kind" defaultValue="single">
                    {(['single', 'multiple', 'true_false'] as const).map((k) => (
                      <option key={k} value={k}>
                        {t(`training.kind.${k}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('training.author.prompt')}
                  <input name="prompt" required />
                </label>
                <label>
                  {t('training.author.options')}
                  <textarea name="options" rows={3} />
                </label>
                <label>
                  {t('training.author.answer')}
                  <input name="answer" required placeholder="1" />
                </label>
                <label>
                  {t('training.author.points')}
                  <input name="points" type="number" min={1} defaultValue={1} />
                </label>
                <button type="submit" disabled={newQuestion.isPending}>
                  {t('training.author.add')}
                </button>
                {newQuestion.error && <ErrorMessage error={newQuestion.error} />}
              </form>
              <form onSubmit={onExam} data-form="exam">
                <h3>{t('training.author.newExam')}</h3>
                <label>
                  {t('training.author.examTitle')}
                  <input name="title" required />
                </label>
                <label>
                  {t('training.author.passScore')}
                  <input name="passScore" type="number" min={0} max={100} defaultValue={60} />
                </label>
                <label>
                  {t('training.author.minutes')}
                  <input name="minutes" type="number" min={1} defaultValue={30} />
                </label>
                <label>
                  {t('training.author.certifies')}
                  <input name="certifies" placeholder="billing" />
                </label>
                <label>
                  {t('training.author.validity')}
                  <input name="validity" type="number" min={1} defaultValue={12} />
                </label>
                <button type="submit" disabled={newExam.isPending || !questions.data?.length}>
                  {t('training.author.createExam')}
                </button>
                {newExam.error && <ErrorMessage error={newExam.error} />}
              </form>
            </>
          )}
        </div>
      </div>

      <h3>{t('training.author.exams')}</h3>
      <table className="table">
        <tbody>
          {(exams.data ?? []).map((x) => (
            <tr key={x.id} data-exam={x.id} data-status={x.status}>
              <td>
                {x.title} <span className="muted small">v{x.version}</span>
              </td>
              <td>{t('training.exams.rulesText', { n: x.questions.length, minutes: x.timeLimitMinutes, pass: x.passScore })}</td>
              <td>
                <Badge kind={x.status === 'published' ? 'resolved' : 'pending'}>{t(`training.examStatus.${x.status}`)}</Badge>
              </td>
              <td>
                {x.status === 'draft' && (
                  <button type="button" onClick={() => publish.mutate(x.id)}>
                    {t('training.author.publish')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {publish.error && <ErrorMessage error={publish.error} />}

      <form onSubmit={onSitting} data-form="sitting" className="inline-form">
        <h3>{t('training.author.newSitting')}</h3>
        <select name="examId" required>
          {published.map((x) => (
            <option key={x.id} value={x.id}>
              {x.title} v{x.version}
            </option>
          ))}
        </select>
        <input name="title" required placeholder={t('training.author.sittingTitle')} />
        <input name="period" type="month" required />
        <label className="check">
          <input type="checkbox" name="retake" /> {t('training.author.retake')}
        </label>
        <button type="submit" disabled={newSitting.isPending || published.length === 0}>
          {t('training.author.schedule')}
        </button>
        {newSitting.error && <ErrorMessage error={newSitting.error} />}
      </form>

      <h3>{t('training.author.results')}</h3>
      <ul>
        {(sittings.data ?? []).map((s) => (
          <li key={s.id}>
            <button type="button" className="link" onClick={() => setResultsOf(s.id)}>
              {s.title}
            </button>{' '}
            <span className="muted small">{formatTime(s.opensAt, i18n.language)}</span>
          </li>
        ))}
      </ul>
      {resultsOf && results.data && (
        <table className="table" data-list="results">
          <thead>
            <tr>
              <th>{t('training.certs.holder')}</th>
              <th>{t('training.author.result')}</th>
              <th>{t('training.author.score')}</th>
            </tr>
          </thead>
          <tbody>
            {results.data.map((r) => (
              <tr key={r.attemptId}>
                <td>{r.userName}</td>
                <td>{r.status === 'in_progress' ? t('training.myStatus.in_progress') : r.passed ? t('training.result.passed') : t('training.result.failed')}</td>
                <td>{r.score ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
