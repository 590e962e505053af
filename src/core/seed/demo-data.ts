import type { Ctx } from '../context.ts';
import { systemActor, type Actor } from '../shared/actor.ts';
import { ManualClock } from '../shared/clock.ts';
import {
  addNote,
  changeStatus,
  classify,
  close,
  confirm,
  createCase,
  minimumAuthorityForGrade,
  reopen,
  reply,
  resolve,
  suggestClassification,
  take,
  transfer,
  CHANNELS,
  type CaseType,
  type CaseView,
  type Channel,
  type ComplaintGrade,
  type NewCaseInput,
  type ServiceKind,
} from '../modules/cases/index.ts';
import { sweepDueTimers } from '../modules/commitments/index.ts';
import { createCustomer, type CustomerTier } from '../modules/customers/index.ts';
import { createUser, type UserView } from '../modules/users/index.ts';
import {
  AGENT_NAMES,
  ASK_INFO,
  CHANNEL_PREFIX,
  CITIES,
  CLOSE_NOTES,
  CLOSE_ON_CALL,
  COMPANY_KINDS,
  COMPANY_WORDS,
  CONFIRM_COMMENTS,
  CORRECTIVE_ACTIONS,
  CUSTOMER_INFO,
  DUPLICATE_NOTES,
  EN_COMPANY_KINDS,
  EN_COMPANY_WORDS,
  EN_FIRST,
  EN_LAST,
  FIRST_REPLY,
  GIVEN_NAMES,
  HANDOVER_AFTERSALES,
  HANDOVER_AGENT,
  KIND_TEXT,
  PENDING_INTERNAL_NOTE,
  PRODUCTS,
  PROGRESS_NOTE,
  PROGRESS_REPLY,
  RECLASSIFY_REASONS,
  REOPEN_REPLY,
  REOPEN_TEXTS,
  REPEAT,
  REPEAT_RESOLUTION,
  RESOLVED_REPLY,
  SCENARIOS,
  SLOTS,
  SPAM_HANDLES,
  SPAM_NOTES,
  SPOKEN_REPLY,
  STALE_CLOSE,
  SURNAMES,
  TECH_NAMES,
  TECH_REPLY,
  WITHDRAW_NOTES,
  type CatCode,
  type City,
  type Lang,
  type Scenario,
} from './demo-content.ts';
import { DemoTime, DAY, HOUR, MIN } from './demo-time.ts';
import { Rng } from './prng.ts';
import { DemoInterrupted } from './demo-state.ts';
import { transientDbFailure } from '../db/transient-errors.ts';

/**
 * The demo's history: customers, and cases received over the last 90 days that each live a
 * plausible life (taken, answered, handed over, resolved, confirmed, reopened...). Everything is
 * planned first from a seeded PRNG, then every step runs through the real services in time order
 * with the clock set to the moment it happens, so timelines, audit rows, search index and any case
 * hooks are exactly what the product itself produces.
 */

export interface DemoStaff {
  /** Front-line agents who work in Chinese (and English). */
  frontline: Actor[];
  /** The English-only agent. */
  english: Actor;
  /** After-sales engineers. */
  techs: Actor[];
  supervisor: Actor;
  aftersalesSupervisor: Actor;
  manager: Actor;
  teams: { centre: string; frontline: string; aftersales: string };
}

export interface HistoryOptions {
  cases: number;
  customers: number;
  /** PRNG seed: the same seed and the same "now" give the same history. */
  seed: number;
  /** Days of history, ending now. */
  days: number;
  password: string;
  /** Operations in flight at once (different cases); 1 on SQLite. */
  concurrency: number;
  /** Run the commitments timer sweep along the way (warnings, breaches, escalations in history). */
  sweeps: boolean;
  log?: ((s: string) => void) | undefined;
  /** Stops the load between operations (the operations in flight finish); it then throws DemoInterrupted. */
  signal?: AbortSignal | undefined;
}

export interface PortalAccount {
  email: string;
  name: string;
}

export interface HistorySummary {
  customers: number;
  cases: number;
  operations: number;
  portal: PortalAccount[];
  byStatus: Record<string, number>;
}

export const staffActor = (u: UserView): Actor => ({
  id: u.id,
  kind: u.role === 'customer' ? 'customer' : 'staff',
  role: u.role,
  name: u.name,
  teamId: u.teamId,
  customerId: u.customerId,
  ip: null,
});

// ---------------------------------------------------------------------------------------------
// Plan

type Tier = CustomerTier;

interface PCustomer {
  idx: number;
  lang: Lang;
  name: string;
  salutation: Record<Lang, string>;
  email: string | null;
  phone: string | null;
  company: string | null;
  tier: Tier;
  city: City;
  district: [string, string];
  weight: number;
  migrated: boolean;
  createdAt: number;
  createdBy: Actor;
  portal: PortalAccount | null;
  /** Filled in when the customer (and their portal account) are created. */
  id?: string;
  actor?: Actor;
  complaints: Array<{ cat: CatCode; subject: string; at: number }>;
  firstCaseAt: number | null;
}

interface CaseState {
  id?: string;
  number?: string;
  customerId?: string | null;
  isRepeat: boolean;
}

type StepFn = (c: Ctx, st: CaseState) => Promise<CaseView | unknown>;

interface Op {
  at: number;
  seq: number;
  key: string;
  deps: string[];
  serial?: string;
  /** Runs alone: after everything before it, before anything after it. */
  barrier?: boolean;
  label: string;
  run: (c: Ctx) => Promise<void>;
}

const TYPE_WEIGHTS: Array<[CaseType, number]> = [
  ['inquiry', 34],
  ['service_request', 22],
  ['complaint', 15],
  ['dissatisfaction', 12],
  ['suggestion', 8],
  ['praise', 9],
];

const CHANNEL_BY_TYPE: Record<CaseType, Record<Channel, number>> = {
  inquiry: { web: 20, email: 15, phone: 28, chat: 25, social: 3, walk_in: 4, import: 1, api: 4 },
  complaint: { web: 18, email: 20, phone: 30, chat: 8, social: 10, walk_in: 6, import: 4, api: 4 },
  dissatisfaction: { web: 15, email: 15, phone: 25, chat: 20, social: 12, walk_in: 4, import: 5, api: 4 },
  suggestion: { web: 30, email: 20, phone: 10, chat: 10, social: 8, walk_in: 4, import: 15, api: 3 },
  praise: { web: 20, email: 15, phone: 15, chat: 8, social: 15, walk_in: 6, import: 18, api: 3 },
  service_request: { web: 25, email: 8, phone: 35, chat: 10, social: 1, walk_in: 5, import: 1, api: 15 },
};

// Arrivals per local hour, by kind of channel.
const H_ONLINE = [0.15, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 1, 1.6, 1.7, 1.6, 1, 1.2, 1.6, 1.5, 1.4, 1.2, 0.9, 0.9, 1, 0.9, 0.6, 0.3];
const H_SOCIAL = [0.3, 0.2, 0.1, 0.05, 0.05, 0.1, 0.2, 0.5, 0.8, 1, 1.1, 1.2, 1.3, 1, 1, 1, 1, 1, 1.1, 1.4, 1.6, 1.6, 1.2, 0.6];
const H_PHONE = [0, 0, 0, 0, 0, 0, 0, 0, 0.6, 1.8, 1.9, 1.7, 0.9, 1.1, 1.7, 1.7, 1.6, 1.4, 0.8, 0.4, 0, 0, 0, 0];
const H_CHAT = [0, 0, 0, 0, 0, 0, 0, 0, 0.7, 1.5, 1.6, 1.5, 1, 1.1, 1.5, 1.5, 1.4, 1.2, 0.9, 0.9, 1, 0.9, 0, 0];
const H_COUNTER = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.8, 1.4, 1.3, 0.8, 0.9, 1.4, 1.5, 1.4, 0.8, 0, 0, 0, 0, 0, 0];
const HOURS: Record<Channel, number[]> = {
  web: H_ONLINE,
  email: H_ONLINE,
  api: H_ONLINE,
  social: H_SOCIAL,
  phone: H_PHONE,
  chat: H_CHAT,
  walk_in: H_COUNTER,
  import: H_COUNTER,
};

const FCR: Record<CaseType, number> = { inquiry: 0.55, praise: 0.6, suggestion: 0.2, service_request: 0.25, complaint: 0, dissatisfaction: 0.15 };
const ASK: Record<CaseType, number> = { inquiry: 0.12, service_request: 0.3, complaint: 0.3, dissatisfaction: 0.2, suggestion: 0.03, praise: 0 };
const REOPEN_P: Record<CaseType, number> = { inquiry: 0.01, praise: 0, suggestion: 0.01, service_request: 0.05, complaint: 0.07, dissatisfaction: 0.04 };

const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
const MOBILE_PREFIXES = ['138', '139', '135', '136', '137', '150', '151', '158', '159', '186', '187', '188', '133', '153', '189', '177', '180', '181'];

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = vars[k];
    if (v === undefined) throw new Error(`demo text: no value for {${k}} in "${template}"`);
    return v;
  });
}

const L = (lang: Lang): 0 | 1 => (lang === 'zh' ? 0 : 1);

class Planner {
  readonly rng: Rng;
  readonly ops: Op[] = [];
  private seq = 0;
  readonly customers: PCustomer[] = [];
  private readonly emails = new Set<string>();
  private readonly phones = new Set<string>();
  readonly windowStart: number;
  readonly goLive: number;
  caseCount = 0;

  constructor(
    readonly opts: HistoryOptions,
    readonly now: number,
    readonly time: DemoTime,
    readonly staff: DemoStaff,
    readonly categories: Record<CatCode, string>,
  ) {
    this.rng = new Rng(opts.seed);
    this.windowStart = time.startOfDay(now) - (opts.days - 1) * DAY;
    this.goLive = this.windowStart - 10 * DAY + 20 * HOUR;
  }

  private push(op: Omit<Op, 'seq'>) {
    this.ops.push({ ...op, at: Math.round(op.at), seq: this.seq++ });
  }

  // ----- customers

  private uniqueEmail(local: string, domain: string): string {
    let e = `${local}@${domain}`;
    for (let n = 2; this.emails.has(e); n++) e = `${local}${n}@${domain}`;
    this.emails.add(e);
    return e;
  }

  private mobile(): string {
    for (;;) {
      const p = this.rng.pick(MOBILE_PREFIXES) + String(this.rng.int(0, 99_999_999)).padStart(8, '0');
      if (!this.phones.has(p)) {
        this.phones.add(p);
        return p;
      }
    }
  }

  private person(english: boolean): Pick<PCustomer, 'lang' | 'name' | 'salutation'> & { local: string[] } {
    const r = this.rng;
    if (english) {
      const [first, g] = r.pick(EN_FIRST);
      const last = r.pick(EN_LAST);
      const lastShown = last === 'OBrien' ? "O'Brien" : last;
      const title = g === 'm' ? 'Mr' : 'Ms';
      return {
        lang: 'en',
        name: `${first} ${lastShown}`,
        salutation: { zh: `${lastShown}${g === 'm' ? '先生' : '女士'}`, en: first },
        local: [`${first}.${last}`.toLowerCase(), `${first[0]}${last}`.toLowerCase(), `${first}${last}${r.int(1, 99)}`.toLowerCase(), `${title}.${last}`.toLowerCase()],
      };
    }
    const [sur, sp] = r.weighted(SURNAMES.map(([a, b, w]) => [[a, b] as const, w] as const));
    const [given, gp, g] = r.pick(GIVEN_NAMES);
    const Sp = sp[0]!.toUpperCase() + sp.slice(1);
    return {
      lang: 'zh',
      name: sur + given,
      salutation: { zh: `${sur}${g === 'm' ? '先生' : '女士'}`, en: `${g === 'm' ? 'Mr' : 'Ms'} ${Sp}` },
      local: [`${gp}.${sp}`, `${sp}${gp}${r.int(1, 99)}`, `${sp}_${gp}`, `${sp[0]}${gp}${r.int(1970, 2005)}`],
    };
  }

  planCustomers(): void {
    const r = this.rng;
    const fixed: Array<{ english: boolean; name: string; salutation: Record<Lang, string>; tier: Tier; city: string; company: string | null; portal: string }> = [
      { english: false, name: '林晓雨', salutation: { zh: '林女士', en: 'Ms Lin' }, tier: 'key', city: '上海', company: null, portal: 'customer@serviceloop.local' },
      { english: true, name: 'David Miller', salutation: { zh: 'Miller先生', en: 'David' }, tier: 'vip', city: '上海', company: 'Harbor International School', portal: 'customer2@serviceloop.local' },
      { english: false, name: '王建国', salutation: { zh: '王先生', en: 'Mr Wang' }, tier: 'vip', city: '北京', company: '北京恒泰物业管理有限公司', portal: 'customer3@serviceloop.local' },
    ];
    const n = Math.max(this.opts.customers, fixed.length);
    for (let idx = 0; idx < n; idx++) {
      const f = fixed[idx];
      const english = f ? f.english : r.chance(0.21);
      const p = this.person(english);
      const tier: Tier = f ? f.tier : r.weighted<Tier>([['vip', 5], ['key', 15], ['normal', 80]]);
      const city = f ? CITIES.find((c) => c.zh === f.city)! : r.weighted(CITIES.map((c) => [c, english ? c.enWeight : c.weight] as const));
      const companyP = tier === 'vip' ? 0.6 : tier === 'key' ? 0.5 : english ? 0.15 : 0.06;
      let company = f ? f.company : null;
      if (!f && r.chance(companyP))
        company = english ? `${r.pick(EN_COMPANY_WORDS)} ${r.pick(EN_COMPANY_KINDS)}` : `${city.zh}${r.pick(COMPANY_WORDS)}${r.pick(COMPANY_KINDS)}有限公司`;
      const hasEmail = f ? true : r.chance(english ? 1 : 0.85);
      const hasPhone = f ? true : !hasEmail || r.chance(english ? 0.7 : 0.95);
      const email = f ? f.portal : hasEmail ? this.uniqueEmail(r.pick(p.local), r.pick(EMAIL_DOMAINS)) : null;
      if (f) this.emails.add(f.portal);
      const tierWeight = tier === 'vip' ? 4 : tier === 'key' ? 2.5 : 1;
      this.customers.push({
        idx,
        lang: p.lang,
        name: f ? f.name : p.name,
        salutation: f ? f.salutation : p.salutation,
        email,
        phone: hasPhone ? this.mobile() : null,
        company,
        tier,
        city,
        district: r.pick(city.districts),
        weight: tierWeight * Math.exp(r.real(-1, 1)) * (f ? 3 : 1),
        migrated: f ? true : r.chance(0.8),
        createdAt: 0,
        createdBy: systemActor('crm-migration'),
        portal: f ? { email: f.portal, name: f.name } : null,
        complaints: [],
        firstCaseAt: null,
      });
    }
  }

  /** After the cases are planned: when each customer came to be, then the operations creating them. */
  /**
   * The commitments timer worker, as it would have run (far coarser than the real one, to keep
   * the load fast): every two hours in the day, every six at night, so warnings, breaches and
   * escalations land about when they happened rather than all at the first start. A small demo
   * (tests) sweeps less often still.
   */
  emitSweeps(): void {
    const scale = Math.min(12, Math.max(1, 1000 / Math.max(1, this.opts.cases)));
    for (let t = this.windowStart; t < this.now; ) {
      const m = this.time.minuteOfDay(t);
      t += (m >= 8 * 60 && m < 20 * 60 ? 2 * HOUR : 6 * HOUR) * scale;
      if (t >= this.now) break;
      // A barrier: on PostgreSQL a sweep running beside case changes can deadlock with them.
      this.push({ at: t, key: 'sweep', deps: [], barrier: true, label: 'timer sweep', run: async (c) => void (await sweepDueTimers(c)) });
    }
  }

  emitCustomers(): void {
    const r = this.rng;
    for (const c of this.customers) {
      if (c.migrated || c.firstCaseAt === null) c.createdAt = this.goLive + c.idx * 3000;
      else {
        c.createdAt = Math.round(Math.max(this.goLive + DAY, c.firstCaseAt - r.logUniform(10, 20 * 24 * 60) * MIN));
        c.createdBy = r.chance(0.5) ? systemActor('web-register') : r.pick(this.staff.frontline);
      }
      this.push({
        at: c.createdAt,
        key: `cust:${c.idx}`,
        deps: [],
        label: `customer ${c.name}`,
        run: async (ctx) => {
          const v = await createCustomer(
            ctx,
            {
              name: c.name,
              email: c.email,
              phone: c.phone,
              company: c.company,
              tier: c.tier,
              region: c.city.region,
              branch: `${c.city.zh}分公司`,
              locale: c.lang === 'zh' ? 'zh-CN' : 'en',
            },
            c.createdBy,
          );
          c.id = v.id;
        },
      });
      const portal = c.portal;
      if (portal)
        this.push({
          at: c.createdAt + 5 * MIN,
          key: `cust:${c.idx}`,
          deps: [],
          label: `portal account ${portal.email}`,
          run: async (ctx) => {
            const u = await createUser(
              ctx,
              { email: portal.email, name: c.name, role: 'customer', password: this.opts.password, customerId: c.id!, locale: c.lang === 'zh' ? 'zh-CN' : 'en' },
              systemActor('seed'),
            );
            c.actor = staffActor(u);
          },
        });
    }
  }

  // ----- arrivals

  private sampleArrival(channel: Channel, dayWeights: number[]): { receivedAt: number; createAt: number } {
    const r = this.rng;
    for (let attempt = 0; ; attempt++) {
      const d = r.weightedIndex(dayWeights);
      const h = r.weightedIndex(HOURS[channel]);
      const receivedAt = this.windowStart + d * DAY + h * HOUR + r.int(0, 59) * MIN + r.int(0, 59) * 1000;
      let createAt: number;
      switch (channel) {
        case 'phone':
          createAt = receivedAt + r.int(120, 480) * 1000;
          break;
        case 'walk_in':
          createAt = receivedAt + r.int(5, 15) * MIN;
          break;
        case 'chat':
          createAt = receivedAt + r.int(30, 180) * 1000;
          break;
        case 'import': {
          // Paper forms are keyed in on Monday and Thursday afternoons.
          let day = this.time.startOfDay(receivedAt) + DAY;
          while (![1, 4].includes(this.time.weekday(day + 12 * HOUR))) day += DAY;
          createAt = day + 16 * HOUR + 30 * MIN + r.int(0, 60) * MIN;
          break;
        }
        default:
          createAt = receivedAt + r.int(2, 40) * 1000;
      }
      if (createAt <= this.now - 20 * MIN || attempt > 200) return { receivedAt, createAt: Math.min(createAt, this.now - MIN) };
    }
  }

  planCases(): void {
    const r = this.rng;
    const n = this.opts.cases;
    // Types in proportion (each at least once), channels by type, then make sure every channel occurs.
    const total = TYPE_WEIGHTS.reduce((s, [, w]) => s + w, 0);
    const counts = TYPE_WEIGHTS.map(([t, w]) => [t, Math.max(1, Math.floor((n * w) / total))] as [CaseType, number]);
    let left = n - counts.reduce((s, [, c]) => s + c, 0);
    for (let i = 0; left > 0; i = (i + 1) % counts.length, left--) counts[i]![1]++;
    for (let i = counts.length - 1; left < 0 && i >= 0; i--)
      while (left < 0 && counts[i]![1] > 1) {
        counts[i]![1]--;
        left++;
      }
    const types = r.shuffle(counts.flatMap(([t, c]) => Array<CaseType>(c).fill(t)));
    const channels = types.map((t) => r.weighted(Object.entries(CHANNEL_BY_TYPE[t]) as Array<[Channel, number]>));
    for (const ch of CHANNELS)
      if (!channels.includes(ch) && channels.length >= CHANNELS.length) {
        // Replace a channel that occurs more than once.
        const tally = new Map<Channel, number>();
        channels.forEach((c) => tally.set(c, (tally.get(c) ?? 0) + 1));
        const spare = channels.flatMap((c, k) => (tally.get(c)! > 1 ? [k] : []));
        channels[r.pick(spare)] = ch;
      }

    // Day weights: weekdays busier, a slow upward trend, some noise.
    const dayWeights = Array.from({ length: this.opts.days }, (_, d) => {
      const wd = this.time.weekday(this.windowStart + d * DAY + 12 * HOUR);
      return (wd <= 5 ? 1 : wd === 6 ? 0.45 : 0.35) * (0.9 + (0.2 * d) / this.opts.days) * r.real(0.85, 1.15);
    });
    const arrivals = types.map((type, k) => ({ type, channel: channels[k]!, ...this.sampleArrival(channels[k]!, dayWeights) }));
    arrivals.sort((a, b) => a.receivedAt - b.receivedAt);
    arrivals.forEach((a, i) => this.planCase(i, a.type, a.channel, a.receivedAt, a.createAt));
    this.caseCount = arrivals.length;
  }

  // ----- one case

  private cumulative: number[] | null = null;

  private pickCustomer(channel: Channel): PCustomer {
    const r = this.rng;
    let acc = 0;
    const cum = (this.cumulative ??= this.customers.map((x) => (acc += x.weight)));
    for (let i = 0; ; i++) {
      const x = r.next() * cum[cum.length - 1]!;
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! > x) hi = mid;
        else lo = mid + 1;
      }
      const c = this.customers[lo]!;
      if (channel === 'email' && !c.email && i < 20) continue;
      return c;
    }
  }

  private planCase(i: number, type: CaseType, channel: Channel, receivedAt: number, createAt: number): void {
    const r = this.rng.fork(`case-${i}`);
    const { staff, time } = this;

    // Who: a known customer, or now and then someone new (the intake creates their record).
    // Social media also brings advertising, from accounts that are nobody's customer.
    const spam = type === 'inquiry' && channel === 'social' && r.chance(0.12);
    const newContact = spam || (['phone', 'walk_in', 'email', 'chat'].includes(channel) && r.chance(0.015));
    const cust = newContact ? null : this.pickCustomer(channel);
    let person: { lang: Lang; name: string; salutation: Record<Lang, string>; email: string | null; phone: string | null; city: City; district: [string, string]; tier: Tier; company: string | null };
    if (cust) person = cust;
    else {
      const p = this.person(r.chance(0.15));
      const city = r.weighted(CITIES.map((c) => [c, c.weight] as const));
      person = {
        ...p,
        ...(spam ? { name: r.pick(SPAM_HANDLES) } : {}),
        email: spam ? null : channel === 'email' || r.chance(0.3) ? this.uniqueEmail(r.pick(p.local), r.pick(EMAIL_DOMAINS)) : null,
        phone: spam ? null : channel !== 'email' ? this.mobile() : null,
        city,
        district: r.pick(city.districts),
        tier: 'normal',
        company: null,
      };
    }
    const lang: Lang = person.lang === 'en' ? 'en' : r.chance(0.045) ? 'en' : 'zh';
    const portal = Boolean(cust?.portal) && channel === 'web';
    if (cust && cust.firstCaseAt === null) cust.firstCaseAt = receivedAt;

    // What: a scenario of the type, a repeat complaint now and then.
    const prior = cust ? cust.complaints.filter((c) => c.at > receivedAt - 180 * DAY) : [];
    let repeatOf: { cat: CatCode; subject: string; at: number } | null = null;
    if (type === 'complaint' && prior.length > 0 && r.chance(0.25)) repeatOf = r.pick(prior);
    const candidates = SCENARIOS.filter(
      (s) =>
        s.type === type &&
        (!s.companyOnly || person.company) &&
        Boolean(s.spam) === spam &&
        (!repeatOf || s.cat === repeatOf.cat) &&
        (repeatOf || type !== 'complaint' || !prior.some((p) => p.cat === s.cat)),
    );
    const pool = candidates.length > 0 ? candidates : SCENARIOS.filter((s) => s.type === type && !s.spam && !s.companyOnly);
    const sc: Scenario = r.weighted(pool.map((s) => [s, s.weight ?? 1] as const));
    const product = sc.product ? PRODUCTS.find((p) => p.key === sc.product)! : r.pick(PRODUCTS);
    const li = L(lang);
    const feature = r.pick(product.features);
    const symptom = r.pick(product.symptoms);
    const slot = r.pick(SLOTS);
    const tech = r.pick(TECH_NAMES);
    const agentName = r.pick(AGENT_NAMES);
    const before = receivedAt - r.int(1, 10) * DAY;
    const kind: ServiceKind | undefined = sc.kind;
    const vars: Record<string, string> = {
      p: lang === 'zh' ? product.zh : product.en,
      m: product.model,
      feature: feature[li],
      symptom: symptom[li],
      o: `SO${time.compact(before)}${String(r.int(0, 9999)).padStart(4, '0')}`,
      n: String(r.int(3, 12)),
      amt: String(r.pick([89, 129, 199, 260, 299, 380, 450, 599, 899, 1299])),
      area: String(r.pick([12, 15, 18, 20, 25, 30])),
      q: String(person.company ? r.int(3, 24) : 1),
      pts: String(r.int(8, 120) * 100),
      year: String(time.year(receivedAt) - r.int(1, 3)),
      date: time.format(before, lang),
      sn: `SN${r.int(10, 99)}${Array.from({ length: 10 }, () => '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[r.int(0, 33)]).join('')}`,
      city: lang === 'zh' ? person.city.zh : person.city.en,
      district: person.district[li],
      tech: tech[li],
      agent: agentName[li],
      slot: slot[li],
      tail: person.phone ? person.phone.slice(-4) : String(r.int(1000, 9999)),
      digits: String(r.int(100000, 999999)) + String(r.int(100000, 999999)),
      name: person.salutation[lang],
    };
    const text = sc[lang];
    vars.request = fill(text.r, vars) || (lang === 'zh' ? '希望尽快处理' : 'Please deal with it soon');

    let grade: ComplaintGrade | null = type === 'complaint' ? (sc.grade ?? 'general') : null;
    let subject = fill(r.pick(text.s), vars);
    let body = fill(text.d, vars);
    let request = text.r ? fill(text.r, vars) : undefined;
    if (repeatOf) {
      grade = r.weighted<ComplaintGrade>([['important', 50], ['general', 40], ['urgent', 10]]);
      const prevSubject = repeatOf.subject.replace(/^(再次投诉：|Complaint again: )/, '');
      const rv = { ...vars, prevSubject, prevDate: time.format(repeatOf.at, lang) };
      subject = fill(REPEAT[lang].s, rv);
      body = fill(REPEAT[lang].d, rv) + (grade === 'urgent' ? ` ${REPEAT[lang].urgentTail}` : '');
      request = REPEAT[lang].r;
    }
    if (cust && type === 'complaint') cust.complaints.push({ cat: sc.cat, subject, at: receivedAt });
    const prefix = CHANNEL_PREFIX[channel];
    let description = (prefix ? fill(prefix[li], vars) : '') + body;
    if (channel === 'email') description += lang === 'zh' ? `\n\n谢谢！\n${person.name}` : `\n\nThanks,\n${person.name}`;

    // Classification: staff and integrations set it; the portal leaves it to the rules (corrected later if wrong).
    const auto = suggestClassification({ subject, description, channel: portal ? 'web' : channel, customerTier: person.tier });
    const sensitive = Boolean(sc.sensitive) || auto.sensitive;
    const initGrade = portal ? (auto.type === 'complaint' ? (auto.complaintGrade ?? 'general') : null) : grade;
    const portalFix = portal && (auto.type !== type || initGrade !== grade || (Boolean(sc.sensitive) && !auto.sensitive));
    const uncategorised = !portal && !sc.spam && type !== 'complaint' && ['email', 'social', 'web', 'api'].includes(channel) && r.chance(0.2);
    const upgrade = type === 'dissatisfaction' && !portal && r.chance(0.1);
    const need = Math.max(minimumAuthorityForGrade(initGrade), minimumAuthorityForGrade(grade), sensitive ? 2 : 1);

    // Who handles it (complaint grades need authority; restricted cases need a lead).
    let handler: Actor;
    if (need >= 3) handler = staff.manager;
    else if (need === 2) handler = sc.cat === 'repair' && !sensitive ? staff.aftersalesSupervisor : staff.supervisor;
    else if (lang === 'en' && r.chance(0.7)) handler = staff.english;
    else handler = r.pick(staff.frontline);
    const repairFlow = sc.cat === 'repair' && need === 1 && (type === 'service_request' || type === 'complaint' || type === 'dissatisfaction');
    const techDirect = repairFlow && type === 'service_request' && !['phone', 'chat', 'walk_in'].includes(channel) && r.chance(0.15);
    if (techDirect) handler = r.pick(staff.techs);
    const toTech = repairFlow && !techDirect && r.chance(type === 'service_request' ? 0.65 : 0.35);

    // Who records it.
    const isAgent = (a: Actor) => staff.frontline.includes(a) || a === staff.english;
    let creator: Actor | (() => Actor);
    if (portal) creator = () => cust!.actor!;
    else if (['phone', 'chat', 'walk_in'].includes(channel)) creator = isAgent(handler) ? handler : lang === 'en' ? staff.english : r.pick(staff.frontline);
    else if (channel === 'import') creator = staff.supervisor;
    else creator = systemActor({ email: 'email-gateway', web: 'web-form', social: 'social-listening', api: 'mall-integration' }[channel as string] ?? 'intake');

    const contact: NewCaseInput['contact'] = { name: person.name };
    if (person.email && (channel !== 'phone' || r.chance(0.5))) contact.email = person.email;
    if (person.phone && channel !== 'email') contact.phone = person.phone;
    else if (person.phone && r.chance(0.3)) contact.phone = person.phone;
    if (!contact.email && !contact.phone) contact.email = person.email ?? undefined;

    const input: NewCaseInput = {
      channel,
      contact,
      subject,
      description,
      request,
      receivedAt: portal ? undefined : receivedAt, // a portal case is received when it is sent
      language: lang,
      type: portal ? undefined : type,
      categoryId: uncategorised ? undefined : this.categories[sc.cat],
      complaintGrade: portal ? undefined : (grade ?? undefined),
      sensitive: portal ? undefined : sc.sensitive ? true : undefined,
      serviceKind: portal ? undefined : kind,
      ...(grade === 'urgent' && !portal ? { impact: 1 as const, urgency: 1 as const } : {}),
      ...(grade === 'important' && !portal ? { impact: Math.min(auto.impact, 2) as 1 | 2 } : {}),
      ...(channel === 'import' ? { externalRef: `PAPER-${time.compact(receivedAt)}-${String(i).padStart(4, '0')}` } : {}),
      ...(channel === 'api' ? { externalRef: `MALL-${vars.o}` } : {}),
      ...(channel === 'social' ? { externalRef: `SOCIAL-${r.int(10_000_000, 99_999_999)}` } : {}),
    };

    // ----- the case's life
    const st: CaseState = { isRepeat: false };
    const key = `case:${i}`;
    const customerActor = (): Actor => {
      if (cust?.actor) return cust.actor;
      return { id: st.customerId ?? 'unknown', kind: 'customer', role: 'customer', name: person.name, teamId: null, customerId: st.customerId ?? null, ip: null };
    };
    const steps: Array<{ at: number; label: string; run: StepFn }> = [];
    let t = createAt;
    const pushStep = (label: string, run: StepFn) => {
      t = Math.round(t);
      const last = steps.length ? steps[steps.length - 1]!.at : createAt;
      if (t <= last) t = last + r.int(1, 20) * 1000;
      steps.push({ at: t, label, run });
    };
    const staffAfter = (minutes: number) => (t = time.nextStaff(t + minutes * MIN, r));
    const custAfter = (minutes: number) => (t = time.nextCustomer(t + minutes * MIN, r));
    const tx = (pair: readonly [string, string] | readonly [string | null, string | null]) => (pair[li] === null ? undefined : fill(pair[li]!, vars));

    let owner: Actor = handler;
    const res = repeatOf ? null : r.pick(text.res);
    const resolution = res
      ? { cause: fill(res.cause, vars), solution: fill(res.solution, vars), compensation: res.comp && (type !== 'complaint' || r.chance(0.8)) ? fill(res.comp, vars) : undefined }
      : { cause: REPEAT_RESOLUTION[lang].cause, solution: REPEAT_RESOLUTION[lang].solution, compensation: REPEAT_RESOLUTION[lang].comp };
    const ca = (!repeatOf && sc.ca ? sc.ca : CORRECTIVE_ACTIONS[sc.cat])[li];
    const wantsCA = grade === 'important' || grade === 'urgent';
    // a repeat complaint closes withdrawn only with its root cause and corrective action (SPEC 2)
    const withdrawnRepeat = (s: CaseState) => (s.isRepeat ? { cause: resolution.cause, correctiveAction: ca } : {});
    const doResolve = (again: boolean) => {
      const by = owner;
      pushStep('resolve', (c, s) =>
        resolve(
          c,
          s.id!,
          {
            cause: again ? (lang === 'zh' ? `${resolution.cause}；首次处理不彻底，已复查` : `${resolution.cause}; the first fix was incomplete and has been reviewed`) : resolution.cause,
            solution: resolution.solution,
            compensation: again ? undefined : resolution.compensation,
            correctiveAction: s.isRepeat || wantsCA ? ca : undefined,
          },
          by,
        ),
      );
    };

    // Spam and duplicates are closed at once.
    const dup = !sc.spam && !sensitive && grade !== 'urgent' && grade !== 'important' && !portal && r.chance(0.012);
    if (sc.spam || dup) {
      staffAfter(r.logUniform(5, 180));
      const by = lang === 'en' ? staff.english : r.pick(staff.frontline);
      const note = sc.spam ? tx(r.pick(SPAM_NOTES)) : tx(r.pick(DUPLICATE_NOTES));
      pushStep('close', (c, s) => close(c, s.id!, { reason: sc.spam ? 'spam' : 'duplicate', note }, by));
    } else {
      const creatorIsHandler = creator === handler;
      // Reception (受理): the recording agent owns it at once; otherwise someone takes it from the queue.
      const viaReply = !creatorIsHandler && r.chance(0.2);
      if (creatorIsHandler) {
        t += r.int(10, 90) * 1000;
        pushStep('take', (c, s) => take(c, s.id!, handler));
      } else if (!viaReply) {
        const delay =
          channel === 'chat' ? r.real(0.3, 3) : grade === 'urgent' ? r.real(3, 20) : grade === 'important' ? r.real(5, 30) : r.chance(0.05) ? r.logUniform(60, 480) : r.logUniform(1, 40);
        staffAfter(delay);
        pushStep('take', (c, s) => take(c, s.id!, handler));
      }
      const fixes: Array<{ label: string; input: Parameters<typeof classify>[2] }> = [];
      if (portalFix)
        fixes.push({
          label: 'classify',
          input: { type, complaintGrade: grade ?? undefined, ...(sc.sensitive && !auto.sensitive ? { sensitive: true } : {}), reason: tx(RECLASSIFY_REASONS.portal!)! },
        });
      if (uncategorised) fixes.push({ label: 'classify', input: { categoryId: this.categories[sc.cat], reason: tx(RECLASSIFY_REASONS.category!)! } });

      // First response.
      const fcr = r.chance(FCR[type]) && !(type === 'service_request' && sc.cat === 'repair');
      const ask = !fcr && r.chance(ASK[type]);
      const spoken = channel === 'phone' || channel === 'walk_in';
      const replyDelay =
        channel === 'chat' ? r.real(0.3, 2) : spoken ? r.real(1, 8) : grade === 'urgent' ? r.real(5, 30) : r.chance(0.06) ? r.logUniform(120, 600) : r.logUniform(2, 75);
      if (fixes.length > 0 && !viaReply) {
        for (const f of fixes) {
          t += r.int(1, 6) * MIN;
          pushStep(f.label, (c, s) => classify(c, s.id!, f.input, handler));
        }
      }
      staffAfter(replyDelay);
      let firstBody: string;
      if (spoken) firstBody = tx(SPOKEN_REPLY[channel as 'phone' | 'walk_in'])!;
      else if (fcr) firstBody = tx(RESOLVED_REPLY)!;
      else firstBody = tx(r.pick(FIRST_REPLY[type]))!;
      if (ask) firstBody += (lang === 'zh' ? '' : ' ') + tx(ASK_INFO[sc.cat])!;
      pushStep('reply', (c, s) => reply(c, s.id!, { body: firstBody, ...(ask ? { setStatus: 'pending_customer' as const } : {}) }, handler));
      if (fixes.length > 0 && viaReply)
        for (const f of fixes) {
          t += r.int(1, 6) * MIN;
          pushStep(f.label, (c, s) => classify(c, s.id!, f.input, handler));
        }

      const stall = !fcr && ['complaint', 'service_request', 'inquiry'].includes(type) && r.chance(0.012);
      const withdrawn = !fcr && !stall && !sensitive && grade !== 'important' && grade !== 'urgent' && r.chance(0.012);
      let done = stall;
      if (ask) {
        if (r.chance(0.06)) {
          // The customer never answers: closed after a week of reminders.
          staffAfter(r.real(5, 8) * 24 * 60);
          const by = owner;
          const note = tx(STALE_CLOSE)!;
          pushStep('close', (c, s) => close(c, s.id!, { reason: 'withdrawn', note, ...withdrawnRepeat(s) }, by));
          done = true;
        } else {
          custAfter(r.logUniform(20, 2880));
          const body = fill(CUSTOMER_INFO[sc.cat][li], vars);
          pushStep('customer_reply', (c, s) => reply(c, s.id!, { body }, customerActor()));
        }
      }
      if (!done && withdrawn) {
        staffAfter(r.logUniform(60, 2880));
        const by = owner;
        const note = tx(r.pick(WITHDRAW_NOTES))!;
        pushStep('close', (c, s) => close(c, s.id!, { reason: 'withdrawn', note, ...withdrawnRepeat(s) }, by));
        done = true;
      }
      if (!done && fcr) {
        t += r.int(1, 10) * MIN;
        doResolve(false);
      } else if (!done) {
        if (upgrade) {
          staffAfter(r.logUniform(30, 1440));
          const by = owner;
          const reason = tx(RECLASSIFY_REASONS.upgrade!)!;
          pushStep('classify', (c, s) => classify(c, s.id!, { type: 'complaint', complaintGrade: 'general', reason }, by));
        }
        if (toTech) {
          staffAfter(r.logUniform(5, 120));
          const from = owner;
          const toUser = r.pick(staff.techs);
          const note = fill(HANDOVER_AFTERSALES[li], { ...vars, kindText: KIND_TEXT[kind ?? 'none']![li] });
          pushStep('transfer', (c, s) => transfer(c, s.id!, { toUserId: toUser.id, toTeamId: staff.teams.aftersales, handoverNote: note }, from));
          owner = toUser;
          staffAfter(r.logUniform(15, 240));
          const body = tx(r.pick(TECH_REPLY))!;
          pushStep('reply', (c, s) => reply(c, s.id!, { body }, toUser));
        }
        // How long the work takes.
        const D =
          type === 'inquiry' ? r.logUniform(20, 1440)
          : type === 'service_request' ? (toTech || techDirect ? r.logUniform(1000, 5000) : r.logUniform(30, 2880))
          : type === 'complaint' || upgrade ? (repeatOf || grade === 'important' ? r.logUniform(2880, 14400) : grade === 'urgent' ? r.logUniform(180, 2880) : r.logUniform(1440, 8640))
          : type === 'dissatisfaction' ? r.logUniform(60, 2880)
          : type === 'suggestion' ? r.logUniform(600, 7200)
          : r.logUniform(10, 1440);
        if (!toTech && isAgent(owner) && D > DAY / MIN && r.chance(0.05)) {
          staffAfter(r.logUniform(60, 600));
          const from = owner;
          const to = lang === 'en' && owner !== staff.english ? staff.english : r.pick(staff.frontline.filter((a) => a !== owner));
          const progress = lang === 'zh' ? '已联系相关部门核实。' : 'asked the department concerned to check.';
          const note = fill(r.pick(HANDOVER_AGENT)[li], { ...vars, progress });
          pushStep('transfer', (c, s) => transfer(c, s.id!, { toUserId: to.id, handoverNote: note }, from));
          owner = to;
        }
        const progressCount = Math.min(3, Math.floor(D / (1.5 * 24 * 60)));
        // Progress messages rotate, so one case does not say the same thing twice.
        let rot = r.int(0, 5);
        const nextOf = <T,>(xs: T[]): T => xs[rot++ % xs.length]!;
        const internal = (type === 'complaint' || upgrade) && r.chance(0.3);
        const start = t;
        for (let k = 1; k <= progressCount; k++) {
          t = time.nextStaff(start + ((D * k) / (progressCount + 1)) * MIN, r);
          const by = owner;
          if (k === 1 && internal) {
            const note = tx(PENDING_INTERNAL_NOTE[sc.cat])!;
            pushStep('status', (c, s) => changeStatus(c, s.id!, { status: 'pending_internal', note }, by));
          } else if (r.chance(0.5)) {
            const body = tx(nextOf(PROGRESS_REPLY))!;
            pushStep('reply', (c, s) => reply(c, s.id!, { body }, by));
          } else {
            const note = tx(nextOf(PROGRESS_NOTE[sc.cat]))!;
            pushStep('note', (c, s) => addNote(c, s.id!, note, by));
          }
        }
        if (progressCount === 0 && r.chance(0.15)) {
          staffAfter(r.logUniform(5, Math.max(6, D / 2)));
          const by = owner;
          const note = tx(r.pick(PROGRESS_NOTE[sc.cat]))!;
          pushStep('note', (c, s) => addNote(c, s.id!, note, by));
        }
        t = time.nextStaff(start + D * MIN, r);
        doResolve(false);
      }

      if (!done) {
        // After the resolution: the customer confirms, staff close it after a follow-up, or it comes back.
        const closeUp = (allowReopen: boolean) => {
          const by = owner;
          if (fcr && (channel === 'phone' || channel === 'walk_in' || channel === 'chat') && r.chance(0.7)) {
            t += r.int(1, 3) * MIN;
            const note = tx(CLOSE_ON_CALL)!;
            pushStep('close', (c, s) => close(c, s.id!, { reason: 'solved', note }, by));
          } else if (r.chance(0.58)) {
            custAfter(r.logUniform(20, 4320));
            const comment = tx(r.pick(CONFIRM_COMMENTS));
            pushStep('confirm', (c, s) => confirm(c, s.id!, { comment }, customerActor()));
          } else {
            staffAfter(r.real(3, 7) * 24 * 60);
            const note = tx(r.pick(CLOSE_NOTES))!;
            pushStep('close', (c, s) => close(c, s.id!, { reason: 'solved', note }, by));
          }
          if (allowReopen && r.chance(0.015)) {
            custAfter(r.logUniform(24 * 60, 10 * 24 * 60));
            const reason = tx(r.pick(REOPEN_TEXTS))!;
            pushStep('reopen', (c, s) => reopen(c, s.id!, { reason }, customerActor()));
            staffAfter(r.logUniform(10, 240));
            const body = tx(REOPEN_REPLY)!;
            pushStep('reply', (c, s) => reply(c, s.id!, { body }, by));
            staffAfter(r.logUniform(240, 2880));
            doResolve(true);
            staffAfter(r.real(1, 3) * 24 * 60);
            const note = tx(r.pick(CLOSE_NOTES))!;
            pushStep('close', (c, s) => close(c, s.id!, { reason: 'solved', note }, by));
          }
        };
        if (r.chance(REOPEN_P[type])) {
          custAfter(r.logUniform(600, 5760));
          const body = tx(r.pick(REOPEN_TEXTS))!;
          pushStep('customer_reply', (c, s) => reply(c, s.id!, { body }, customerActor()));
          staffAfter(r.logUniform(10, 240));
          const by = owner;
          const again = tx(REOPEN_REPLY)!;
          pushStep('reply', (c, s) => reply(c, s.id!, { body: again }, by));
          staffAfter(r.logUniform(240, 2880));
          doResolve(true);
          closeUp(false);
        } else closeUp(true);
      }
    }

    // The backlog: the newer the case, the likelier its remaining work has not happened yet.
    const ageDays = (this.now - receivedAt) / DAY;
    const holdP = ageDays < 1 ? 0.97 : ageDays < 3 ? 0.85 : ageDays < 7 ? 0.7 : ageDays < 14 ? 0.4 : ageDays < 21 ? 0.12 : 0;
    if (!sc.spam && !dup && r.chance(holdP)) {
      const stage =
        ageDays < 1 / 6 ? r.weighted([['new', 50], ['taken', 35], ['working', 15]] as const)
        : ageDays < 2 ? r.weighted([['new', 15], ['taken', 40], ['working', 35], ['resolved', 10]] as const)
        : r.weighted([['taken', 30], ['working', 55], ['resolved', 15]] as const);
      const firstReply = steps.findIndex((s) => s.label === 'reply');
      const firstResolve = steps.findIndex((s) => s.label === 'resolve');
      const cut =
        stage === 'new' ? 0
        : stage === 'taken' ? (firstReply >= 0 ? firstReply + 1 : steps.length)
        : stage === 'working' ? (firstResolve >= 0 ? firstResolve : steps.length)
        : firstResolve >= 0 ? firstResolve + 1 : steps.length;
      steps.length = Math.min(steps.length, cut);
    }

    // ----- operations: the creation, then each step that has happened by now
    const custKey = cust ? `cust:${cust.idx}` : null;
    this.push({
      at: createAt,
      key,
      deps: custKey ? [custKey] : [],
      // A customer's cases are created in order (a repeat complaint finds the earlier one); others
      // in parallel on PostgreSQL, so there the day's case numbers may come out in another order.
      ...(cust ? { serial: `created:${cust.idx}` } : {}),
      label: `case ${i} create`,
      run: async (c) => {
        const actor = typeof creator === 'function' ? creator() : creator;
        // never routed: the history takes each case to the handler it chose (an admin's rule enabled meanwhile would make its take fail with case_owned)
        const res = await createCase(c, { ...input, ...(cust && !portal ? { customerId: cust.id! } : {}) }, actor, undefined, { unrouted: true });
        st.id = res.case.id;
        st.number = res.case.number;
        st.customerId = res.case.customerId;
        st.isRepeat = res.case.isRepeat;
      },
    });
    for (const s of steps) {
      if (s.at > this.now - 1000) break;
      this.push({
        at: s.at,
        key,
        deps: [],
        label: `case ${i} ${s.label}`,
        run: async (c) => {
          const v = await s.run(c, st);
          if (v && typeof v === 'object' && 'isRepeat' in v) st.isRepeat = (v as CaseView).isRepeat;
        },
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Run

async function runOps(ctx: Ctx, ops: Op[], concurrency: number, onDone: (n: number) => void, signal?: AbortSignal): Promise<void> {
  ops.sort((a, b) => a.at - b.at || a.seq - b.seq);
  const tails = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<void>>();
  let failure: unknown = null;
  let done = 0;
  const exec = async (op: Op) => {
    const c: Ctx = { ...ctx, clock: new ManualClock(op.at) };
    for (let attempt = 0; ; attempt++) {
      try {
        await op.run(c);
        break;
      } catch (err) {
        // a deadlock or a lock held too long among the loader's own concurrent operations
        if (attempt < 3 && transientDbFailure(err) === 'database_busy') continue;
        const msg = err instanceof Error ? err.message : String(err);
        throw Object.assign(new Error(`demo data: ${op.label} at ${new Date(op.at).toISOString()} failed: ${msg}`), { cause: err });
      }
    }
    onDone(++done);
  };
  for (const op of ops) {
    if (failure || signal?.aborted) break;
    if (op.barrier) {
      await Promise.all(inflight);
      if (failure || signal?.aborted) break;
      await exec(op).catch((err: unknown) => {
        failure ??= err;
      });
      continue;
    }
    while (inflight.size >= concurrency) await Promise.race(inflight);
    if (failure || signal?.aborted) break;
    const deps = [tails.get(op.key), ...op.deps.map((d) => tails.get(d)), op.serial ? tails.get(op.serial) : undefined].filter(
      (p): p is Promise<void> => p !== undefined,
    );
    const p = (deps.length ? Promise.all(deps).then(() => exec(op)) : exec(op)).catch((err: unknown) => {
      failure ??= err;
      throw err;
    });
    const tracked = p.then(
      () => undefined,
      () => undefined,
    );
    tails.set(op.key, p);
    if (op.serial) tails.set(op.serial, p);
    inflight.add(tracked);
    void tracked.then(() => inflight.delete(tracked));
  }
  await Promise.all(inflight);
  // Settle every chain so no rejection is left unhandled.
  await Promise.allSettled(tails.values());
  if (failure) throw failure;
  if (signal?.aborted) throw new DemoInterrupted();
}

/** Plans and loads the demo history. `now` is the end of the history (the load's current time). */
export async function loadDemoHistory(
  ctx: Ctx,
  staff: DemoStaff,
  categories: Record<CatCode, string>,
  opts: HistoryOptions,
): Promise<HistorySummary> {
  const now = ctx.clock.now();
  const planStarted = Date.now();
  const time = new DemoTime(ctx.config.timeZone, now);
  const plan = new Planner(opts, now, time, staff, categories);
  plan.planCustomers();
  plan.planCases();
  plan.emitCustomers();
  if (opts.sweeps) plan.emitSweeps();
  const total = plan.ops.length;
  opts.log?.(`planned ${plan.customers.length} customers and ${plan.caseCount} cases over ${opts.days} days: ${total} operations (${Date.now() - planStarted} ms)`);
  let next = 0.1;
  const started = Date.now();
  try {
    await runOps(ctx, plan.ops, Math.max(1, opts.concurrency), (n) => {
      if (n / total >= next) {
        opts.log?.(`  ${Math.round((n / total) * 100)}% (${n}/${total} operations, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
        while (n / total >= next) next += 0.1;
      }
    }, opts.signal);
  } finally {
    // The acknowledgements, replies and staff notifications of the past went out long ago: mark
    // the history's outbox as sent (also when the load stopped halfway), so the outbox worker
    // does not deliver thousands of old messages.
    await ctx.db.updateTable('outbox').set((eb) => ({ sent_at: eb.ref('created_at') })).where('sent_at', 'is', null).where('created_at', '<=', now).execute();
  }

  const rows = await ctx.db.selectFrom('cases').select(['status']).execute();
  const byStatus: Record<string, number> = {};
  for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return {
    customers: plan.customers.length,
    cases: plan.caseCount,
    operations: total,
    portal: plan.customers.flatMap((c) => (c.portal ? [c.portal] : [])),
    byStatus,
  };
}
