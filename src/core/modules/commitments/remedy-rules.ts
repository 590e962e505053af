import { newId } from '../../shared/ids.ts';
import type { RemediesTable } from './commitments.table.ts';

/** Service remedy (服务补救) rules: what is owed to the customer when a commitment is broken. */
export type RemedyKind = 'apology' | 'compensation' | 'free_service';

export interface RemedyProposal {
  kind: RemedyKind;
  amount?: number;
  currency?: string;
  text: string;
  textEn: string;
}

export interface RemedyRule {
  id?: string;
  position: number;
  /** target kinds whose breach this rule answers */
  targets?: string[];
  types?: string[];
  tiers?: string[];
  proposal: RemedyProposal;
}

export const DEFAULT_REMEDY_RULES: RemedyRule[] = [
  {
    position: 10,
    targets: ['resolution'],
    types: ['complaint'],
    tiers: ['vip', 'key'],
    proposal: {
      kind: 'compensation',
      amount: 100,
      currency: 'CNY',
      text: '未能按承诺时限办结投诉，向您致歉并补偿 100 元服务券。',
      textEn: 'We missed our committed deadline for your complaint: our apology and a CNY 100 service voucher.',
    },
  },
  {
    position: 20,
    targets: ['resolution'],
    types: ['service_request'],
    proposal: {
      kind: 'free_service',
      text: '未能按承诺时限完成维修，本次上门服务免费并延长保修 3 个月。',
      textEn: 'We missed our repair commitment: this visit is free and your warranty is extended by 3 months.',
    },
  },
  {
    position: 100,
    targets: ['resolution', 'first_response'],
    proposal: {
      kind: 'apology',
      text: '我们未能按公开承诺的时限为您服务，特此致歉，并已督促加快处理。',
      textEn: 'We did not keep our published service commitment; we apologise and have escalated your case.',
    },
  },
];

export function chooseRemedy(rules: RemedyRule[], targetKind: string, type: string, tier: string | null): RemedyRule | undefined {
  const has = (list: string[] | undefined, v: string | null) => !list || list.length === 0 || (v !== null && list.includes(v));
  return [...rules].sort((a, b) => a.position - b.position).find((r) => has(r.targets, targetKind) && has(r.types, type) && has(r.tiers, tier));
}

/** Target kinds whose breach may owe the customer a remedy. */
export const REMEDY_TARGETS: ReadonlySet<string> = new Set(['resolution', 'first_response', 'handling']);

/**
 * A case is owed each rule's remedy once: a second breach the same rule answers (a late
 * resolution after a late first response, both an apology) proposes nothing new, a breach another
 * rule answers (the compensation of a VIP complaint's resolution) proposes that rule's remedy.
 */
export const remedyKey = (caseId: string, ruleId: string | null | undefined): string => `${caseId}|${ruleId ?? ''}`;

/**
 * The remedy a breach owes under `rule`, as proposed, and its `remedy_proposed` event's data: one
 * shape for the sweep and for a change that finds its target late. `proposal` is the value; the
 * caller stores it as JSON text.
 */
export function proposedRemedy(
  caseId: string,
  targetId: string,
  rule: RemedyRule,
  now: number,
): { row: Omit<RemediesTable, 'proposal'> & { proposal: RemedyProposal }; eventData: Record<string, unknown> } {
  const id = newId();
  return {
    row: { id, case_id: caseId, target_id: targetId, rule_id: rule.id ?? null, status: 'proposed', proposal: rule.proposal, final: null, decided_by: null, decided_at: null, note: null, created_at: now },
    eventData: { remedyId: id, targetId, ...rule.proposal },
  };
}
