/** Commitment policies (SPEC 4): what a case is promised, as pure data and rules. */

export const TARGET_KINDS = ['reception', 'first_response', 'next_response', 'initial_review', 'resolution', 'handling'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** A limit in business minutes on the calendar, or in working days (Civil Code counting). */
export type Duration = { minutes: number } | { workingDays: number };

export interface PolicyMatch {
  types?: string[];
  priorities?: string[];
  complaintGrades?: string[];
  channels?: string[];
  tiers?: string[];
  /** category codes */
  categories?: string[];
  serviceKinds?: string[];
  isRepeat?: boolean;
}

export type PolicyTargets = Partial<Record<Exclude<TargetKind, 'handling'>, Duration>>;

export interface Policy {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  position: number;
  match: PolicyMatch;
  calendarId: string;
  targets: PolicyTargets;
  warnFractions: number[];
  escalateOnWarning: boolean;
  active: boolean;
  published: boolean;
}

/** The facts of a case a policy can match on. */
export interface CaseFacts {
  type: string;
  priority: string;
  complaintGrade: string | null;
  channel: string;
  tier: string | null;
  categoryCode: string | null;
  serviceKind: string | null;
  isRepeat: boolean;
}

const inList = (list: string[] | undefined, v: string | null) => !list || list.length === 0 || (v !== null && list.includes(v));

export function matches(m: PolicyMatch, f: CaseFacts): boolean {
  return (
    inList(m.types, f.type) &&
    inList(m.priorities, f.priority) &&
    inList(m.complaintGrades, f.complaintGrade) &&
    inList(m.channels, f.channel) &&
    inList(m.tiers, f.tier) &&
    inList(m.categories, f.categoryCode) &&
    inList(m.serviceKinds, f.serviceKind) &&
    (m.isRepeat === undefined || m.isRepeat === f.isRepeat)
  );
}

export interface ChosenTarget {
  kind: TargetKind;
  duration: Duration;
  policy: Policy;
}

/**
 * Policies are tried in ascending position; each target kind comes from the first active policy
 * that matches the case and sets it (its calendar and warnings go with it). A repeat complaint
 * keeps the earlier of its grade's result deadline and the repeat deadline (SPEC 2): the repeat
 * policy sets `resolution` and the caller compares with the grade's via `alsoResolution`.
 */
export function chooseTargets(policies: Policy[], f: CaseFacts): { chosen: ChosenTarget[]; alsoResolution: ChosenTarget | null } {
  const ordered = policies.filter((p) => p.active).sort((a, b) => a.position - b.position);
  const chosen = new Map<TargetKind, ChosenTarget>();
  let alsoResolution: ChosenTarget | null = null;
  for (const p of ordered) {
    if (!matches(p.match, f)) continue;
    for (const [kind, duration] of Object.entries(p.targets) as Array<[TargetKind, Duration]>) {
      if (!chosen.has(kind)) chosen.set(kind, { kind, duration, policy: p });
      else if (kind === 'resolution' && f.isRepeat && !alsoResolution && p.match.isRepeat !== true)
        alsoResolution = { kind, duration, policy: p };
    }
  }
  return { chosen: [...chosen.values()], alsoResolution };
}

const H = (h: number): Duration => ({ minutes: h * 60 });
const WD = (d: number): Duration => ({ workingDays: d });

/** The seeds' figures (SPEC 4 table); every one is editable through the API. */
export const DEFAULT_POLICIES: Array<Omit<Policy, 'id'>> = [
  {
    code: 'complaint-repeat',
    name: '重复投诉',
    nameEn: 'Repeat complaints',
    position: 10,
    match: { types: ['complaint'], isRepeat: true },
    calendarId: 'standard',
    targets: { initial_review: WD(2), resolution: WD(10) },
    warnFractions: [0.75, 0.9],
    escalateOnWarning: false,
    active: true,
    published: true,
  },
  {
    code: 'complaint-urgent',
    name: '紧急投诉',
    nameEn: 'Urgent complaints',
    position: 20,
    match: { types: ['complaint'], complaintGrades: ['urgent'] },
    calendarId: 'standard',
    targets: { initial_review: WD(2), resolution: WD(2) },
    warnFractions: [0.5, 0.75, 0.9],
    escalateOnWarning: true,
    active: true,
    published: true,
  },
  {
    code: 'complaint-important',
    name: '重要投诉',
    nameEn: 'Important complaints',
    position: 30,
    match: { types: ['complaint'], complaintGrades: ['important'] },
    calendarId: 'standard',
    targets: { initial_review: WD(2), resolution: WD(15) },
    warnFractions: [0.75, 0.9],
    escalateOnWarning: false,
    active: true,
    published: true,
  },
  {
    code: 'complaint-general',
    name: '一般投诉',
    nameEn: 'General complaints',
    position: 40,
    match: { types: ['complaint'] },
    calendarId: 'standard',
    targets: { initial_review: WD(2), resolution: WD(7) },
    warnFractions: [0.75, 0.9],
    escalateOnWarning: false,
    active: true,
    published: true,
  },
  {
    code: 'p1-7x24',
    name: 'P1 紧急事件（7x24）',
    nameEn: 'P1 cases (7x24)',
    position: 50,
    match: { priorities: ['P1'] },
    calendarId: '7x24',
    targets: { reception: { minutes: 15 }, first_response: H(1), next_response: H(24), resolution: H(24) },
    warnFractions: [0.75, 0.9],
    escalateOnWarning: false,
    active: true,
    published: true,
  },
  {
    code: 'repair',
    name: '售后报修',
    nameEn: 'After-sales repair',
    position: 60,
    match: { types: ['service_request'], categories: ['repair'] },
    calendarId: 'standard',
    targets: { first_response: H(2), resolution: H(48) },
    warnFractions: [0.75, 0.9],
    escalateOnWarning: false,
    active: true,
    published: true,
  },
  {
    code: 'chat',
    name: '在线客服',
    nameEn: 'Live chat',
    position: 70,
    match: { channels: ['chat'] },
    calendarId: 'standard',
    targets: { first_response: { minutes: 2 } },
    warnFractions: [0.75, 0.9],
    escalateOnWarning: false,
    active: true,
    published: true,
  },
  {
    code: 'default',
    name: '标准服务承诺',
    nameEn: 'Standard commitment',
    position: 1000,
    match: {},
    calendarId: 'standard',
    targets: { reception: { minutes: 15 }, first_response: H(1), next_response: H(24), resolution: H(24) },
    warnFractions: [0.75, 0.9],
    escalateOnWarning: false,
    active: true,
    published: true,
  },
];

export const TARGET_LABELS: Record<TargetKind, { zh: string; en: string }> = {
  reception: { zh: '受理', en: 'Reception (an agent takes the case)' },
  first_response: { zh: '首次响应', en: 'First response' },
  next_response: { zh: '进展告知', en: 'Progress update' },
  initial_review: { zh: '初步审核', en: 'Initial review' },
  resolution: { zh: '处理结果', en: 'Resolution' },
  handling: { zh: '部门处理时限', en: 'Department handling limit' },
};

export function describeDuration(d: Duration, calendarId: string, lang: 'zh' | 'en'): string {
  if ('workingDays' in d) return lang === 'zh' ? `${d.workingDays} 个工作日内` : `within ${d.workingDays} working days`;
  const clock = calendarId === '7x24';
  const m = d.minutes;
  const n = m % 60 === 0 ? `${m / 60}` : `${m}`;
  const unitZh = m % 60 === 0 ? '小时' : '分钟';
  const unitEn = m % 60 === 0 ? (m === 60 ? 'hour' : 'hours') : m === 1 ? 'minute' : 'minutes';
  if (lang === 'zh') return `${clock ? '' : '工作时间'} ${n} ${unitZh}内`.trim();
  return `within ${n} ${clock ? '' : 'business '}${unitEn}`.replace('  ', ' ');
}
