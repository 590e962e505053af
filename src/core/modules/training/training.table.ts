/**
 * Training and certification (培训与认证, SPEC 7): courses, their question banks, exams (one row a
 * version, questions frozen in it once published), monthly sittings, attempts and the
 * certificates (上岗证) a passed exam issues.
 */
export interface TrainingCoursesTable {
  id: string;
  title: string;
  description: string | null;
  /** Material: text and links, one a line. */
  material: string | null;
  /** JSON string[]: the roles, and the skills (users.skills), the course is meant for ([]: everyone). */
  target_roles: string;
  target_skills: string;
  /** 1: staff of the target roles/skills must take it. */
  required: number;
  active: number;
  created_at: number;
  created_by: string;
  updated_at: number;
}

export interface TrainingQuestionsTable {
  id: string;
  course_id: string;
  /** single | multiple | true_false */
  kind: string;
  prompt: string;
  /** JSON string[] */
  options: string;
  /** JSON number[]: the indexes of the right options. Never sent to a taker. */
  answer: string;
  points: number;
  active: number;
  created_at: number;
  created_by: string;
}

export interface TrainingExamsTable {
  id: string;
  /** The exam across its versions: an edit of a published exam makes a new row of the same family. */
  family_id: string;
  version: number;
  /** 1 on the family's latest version. */
  current: number;
  course_id: string;
  title: string;
  /** JSON ExamQuestion[] (with their answers): copied from the bank, frozen once published. */
  questions: string;
  /** The lowest passing score, 0..100 (a percentage of the points). */
  pass_score: number;
  time_limit_minutes: number;
  /** The skill or category a pass certifies (null: none), and for how many months. */
  certifies: string | null;
  validity_months: number;
  /** draft | published */
  status: string;
  published_at: number | null;
  created_at: number;
  created_by: string;
}

export interface TrainingSittingsTable {
  id: string;
  exam_id: string;
  title: string;
  /** e.g. 2026-12: the month of the monthly exam (月度统考). */
  period: string;
  opens_at: number;
  closes_at: number;
  /** 1: a taker who failed may try again within the sitting. */
  allow_retake: number;
  created_at: number;
  created_by: string;
}

export interface TrainingAttemptsTable {
  id: string;
  sitting_id: string;
  exam_id: string;
  user_id: string;
  /** 1, 2, ... a taker's attempts at a sitting (a second only where retakes are allowed). */
  attempt_no: number;
  started_at: number;
  /** started_at + the time limit (capped by the sitting's close): answers after it are refused. */
  deadline_at: number;
  /** JSON Record<questionId, number[]> */
  answers: string;
  /** in_progress | submitted */
  status: string;
  submitted_at: number | null;
  awarded: number | null;
  max_points: number | null;
  score: number | null;
  passed: number | null;
  certificate_id: string | null;
}

export interface TrainingCertificatesTable {
  id: string;
  user_id: string;
  /** What it certifies: a skill or category (e.g. complaints, billing). */
  skill: string;
  exam_id: string | null;
  attempt_id: string | null;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

/** A member of staff's completion of a course (经培训): marked by the taker once they have studied it. */
export interface TrainingCompletionsTable {
  course_id: string;
  user_id: string;
  completed_at: number;
}
