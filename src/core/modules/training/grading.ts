import type { AnswersInput, ExamQuestion } from './training.schemas.ts';

export interface ExamGrade {
  awarded: number;
  maxPoints: number;
  /** awarded / maxPoints x 100, to two decimals */
  score: number;
  passed: boolean;
  correct: Record<string, boolean>;
}

const sameSet = (a: readonly number[], b: readonly number[]) => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
};

/**
 * Grades a paper. All or nothing a question: a multiple-choice question earns its points only
 * when exactly the right options are chosen (a partly right choice earns 0); an unanswered
 * question earns 0. Passed at a score of at least the pass score.
 */
export function gradeExam(questions: readonly ExamQuestion[], answers: AnswersInput, passScore: number): ExamGrade {
  const correct: Record<string, boolean> = {};
  let awarded = 0;
  let maxPoints = 0;
  for (const q of questions) {
    maxPoints += q.points;
    const given = answers[q.id] ?? [];
    correct[q.id] = given.length > 0 && sameSet(given, q.answer);
    if (correct[q.id]) awarded += q.points;
  }
  const score = maxPoints === 0 ? 0 : Math.round((awarded / maxPoints) * 10000) / 100;
  return { awarded, maxPoints, score, passed: score >= passScore, correct };
}
