/**
 * The monthly supervision assessment (监督考核, SPEC 7): the supervising side (the director's
 * office) assesses each service department for a month. A published one is never changed: a
 * correction is a new version (corrects_id the one it replaces, with its reason).
 */
export interface SupervisionAssessmentsTable {
  id: string;
  /** YYYY-MM */
  month: string;
  department_id: string;
  /** 1, 2, ... per (month, department): each correction adds one */
  version: number;
  /** draft | published */
  status: string;
  /** JSON [{ key, score }] by the configured items */
  scores: string;
  total: number;
  comment: string | null;
  corrects_id: string | null;
  correction_reason: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  published_by: string | null;
  published_at: number | null;
}

/** A reward or a disciplinary measure (奖惩) recorded with an assessment, for a person or a unit. */
export interface SupervisionEntriesTable {
  id: string;
  assessment_id: string;
  /** reward | discipline */
  kind: string;
  target_user_id: string | null;
  target_team_id: string | null;
  reason: string;
  points: number | null;
  amount: number | null;
  created_at: number;
}
