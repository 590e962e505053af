import type { Ctx } from '../context.ts';
import type { Actor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import { completeCourse, createCourse, createExam, createQuestion, createSitting, issueCertificate, publishExam, updateTrainingSettings } from '../modules/training/index.ts';
import type { UserView } from '../modules/users/index.ts';
import { staffActor } from './demo-data.ts';
import { DAY } from './demo-time.ts';

/** Shanghai (UTC+8) month boundaries of the month holding `t`. */
const monthOf = (t: number) => {
  const d = new Date(t + 8 * 3_600_000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return { key: `${y}-${String(m + 1).padStart(2, '0')}`, from: Date.UTC(y, m, 1) - 8 * 3_600_000, to: Date.UTC(y, m + 1, 1) - 8 * 3_600_000 };
};

/**
 * Training in the demo (SPEC 7, 经培训合格后上岗): a required billing course with five questions,
 * its exam published, this month's sitting open, a valid billing and complaints certificate for
 * every member of staff who handles cases, and enforcement on for 收费与账单 (billing) and
 * 服务态度 (staff attitude) cases, so the demo keeps working and an admin can show a refusal by
 * revoking one. Every handler but one (agent5, on the front-line lead's list of training due) has
 * completed the course. Returns the certificates issued.
 */
export async function loadDemoTraining(ctx: Ctx, now: number, trainer: Actor, handlers: UserView[], categories: { billing: string; staff: string }): Promise<number> {
  const at = (t: number): Ctx => ({ ...ctx, clock: new ManualClock(t) });
  const t0 = now - 40 * DAY;
  const course = await createCourse(
    at(t0),
    {
      title: '收费与账单业务培训',
      description: '收费标准、账单查询与退费流程，以及投诉安抚要点。经培训考核合格后方可处理账单类工单。',
      material: '《客户服务收费标准（2026版）》第3章\n《退费办理流程》\n服务禁语与标准用语清单',
      targetRoles: ['agent', 'supervisor'],
      targetSkills: ['billing'],
      required: true,
      active: true,
    },
    trainer,
  );
  const questions = [
    { kind: 'single' as const, prompt: '客户对账单金额有异议，首先应当？', options: ['核实账户与交易明细', '直接办理退费', '建议客户自行查询'], answer: [0], points: 2 },
    { kind: 'multiple' as const, prompt: '办理退费前需要核实哪些信息？', options: ['客户身份', '原交易流水', '退费原因', '客户职业'], answer: [0, 1, 2], points: 3 },
    { kind: 'true_false' as const, prompt: '可以在电话中向客户报出完整的银行卡号。', answer: [1], points: 1 },
    { kind: 'single' as const, prompt: '客户情绪激动时，恰当的做法是？', options: ['先倾听、致歉并安抚', '请客户冷静后再来电', '转给其他同事'], answer: [0], points: 2 },
    { kind: 'true_false' as const, prompt: '"不归我管"属于服务禁语。', answer: [0], points: 2 },
  ];
  const ids: string[] = [];
  for (const q of questions) ids.push((await createQuestion(at(t0), course.id, { ...q, active: true }, trainer)).id);
  const exam = await createExam(at(t0 + DAY), { courseId: course.id, title: '收费与账单上岗考试', questionIds: ids, passScore: 60, timeLimitMinutes: 20, certifies: 'billing', validityMonths: 12 }, trainer);
  await publishExam(at(t0 + DAY), exam.id, trainer);
  const month = monthOf(now);
  await createSitting(at(t0 + DAY), { examId: exam.id, title: `${month.key} 月度统考`, period: month.key, opensAt: month.from, closesAt: month.to, allowRetake: true }, trainer);

  for (const u of handlers) if (u.email !== 'agent5@serviceloop.local') await completeCourse(at(t0 + DAY), course.id, staffActor(u));
  let n = 0;
  for (const u of handlers)
    for (const skill of ['billing', 'complaints']) {
      await ctx.db.transaction().execute((trx) => issueCertificate(at(t0 + 2 * DAY), trx, { userId: u.id, skill, examId: null, attemptId: null, validityMonths: 12 }, trainer));
      n++;
    }
  await updateTrainingSettings(at(t0 + 2 * DAY), { enforceCertification: true, categoryRequirements: { [categories.billing]: 'billing', [categories.staff]: 'complaints' } }, trainer);
  return n;
}
