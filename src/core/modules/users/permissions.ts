import type { Role } from './roles.ts';

const HANDLERS: Role[] = ['agent', 'supervisor', 'manager', 'director'];
const LEADS: Role[] = ['supervisor', 'manager', 'director'];
const STAFF: Role[] = ['agent', 'supervisor', 'manager', 'director', 'inspector', 'admin'];

/**
 * The permission matrix, in one place. Every route names one of these; the RBAC plugin refuses
 * a route that names none. Customers additionally only ever see their own cases (scoped in the
 * case service).
 */
export const PERMISSIONS = {
  'case.create': [...HANDLERS, 'admin', 'customer'],
  'case.read': [...STAFF, 'customer'],
  /** Queue counts over all open work: staff only. */
  'case.queue': STAFF,
  'case.reply': [...HANDLERS, 'customer'],
  'case.note': [...HANDLERS, 'inspector'],
  'case.attach': [...HANDLERS, 'customer'],
  'case.classify': HANDLERS,
  'case.take': HANDLERS,
  'case.assign': [...LEADS, 'admin'],
  'case.transfer': HANDLERS,
  'case.status': HANDLERS,
  'case.resolve': HANDLERS,
  'case.close': HANDLERS,
  'case.confirm': [...HANDLERS, 'customer'],
  'case.reopen': [...HANDLERS, 'customer'],
  'case.read_sensitive': [...LEADS, 'admin'],
  /** The customer portal's reads (SPEC 11, modules/portal): a customer's own cases in a customer's shape, no internal fields. */
  'portal.read': ['customer'],
  /**
   * Customers' email and phone in clear (SPEC 10: masked for roles that do not need them). Held by
   * those who contact customers and handle their cases and complaints (agents and the escalation
   * path above them). Not inspectors: quality inspection (SPEC 7) reviews how a case was handled,
   * not who the customer is. Not admin: system administration needs neither. A customer always sees
   * their own (scoped by ownership, not by this permission). What is shown, not what may be called.
   */
  'personal.read': HANDLERS,
  'customer.read': STAFF,
  'customer.write': [...HANDLERS, 'admin'],
  'category.read': [...STAFF, 'customer'],
  'category.write': ['admin'],
  /** Run-time settings such as the priority matrix and the repeat window (modules/settings). */
  'settings.read': STAFF,
  'settings.write': ['admin'],
  'user.read': [...LEADS, 'admin', 'agent', 'inspector'],
  'user.write': ['admin'],
  'team.read': STAFF,
  'team.write': ['admin'],
  'token.own': STAFF,
  'audit.read': ['director', 'admin'],
  'self.read': [...STAFF, 'customer'],
  'commitment.read': STAFF,
  'commitment.write': ['admin'],
  'commitment.simulate': ['admin', 'director', 'manager'],
  'remedy.read': [...LEADS, 'admin', 'agent'],
  'remedy.decide': LEADS,
  /** Dashboards and indicators (SPEC 8): aggregates over all cases. */
  'analytics.read': [...LEADS, 'inspector', 'admin'],
  /** The consent register of a customer (SPEC 10): staff who see customers see what they consented to. */
  'consent.read': STAFF,
  /** Recording a consent the customer gave or withdrew: those who talk to customers (agents and their leads), not inspectors or admins. */
  'consent.write': HANDLERS,
  /** A portal customer's own consents (their customer's, by users.customer_id): list, grant, withdraw. */
  'consent.own': ['customer'],
  /** Unusual-access alerts (SPEC 10, audit/access-alerts.ts): the director and admins see and acknowledge them. */
  'security.read': ['director', 'admin'],
  'security.write': ['director', 'admin'],
  /**
   * A customer's data exported in clear (SPEC 10, right of access): those who see personal data
   * and handle data-subject requests, manager and director; not admin or inspector, who do not see
   * personal data at all (personal.read).
   */
  'privacy.export': ['manager', 'director'],
  /** A portal customer's copy of their own data (their customer's, by users.customer_id). */
  'privacy.export_own': ['customer'],
  /** Erasure by anonymisation (SPEC 10, right to erasure): irreversible, the director decides. */
  'privacy.erase': ['director'],
  /** Routing rules (SPEC 3, modules/routing): leads see how cases are dispatched and try it (simulate); the admin changes the rules. */
  'routing.read': [...LEADS, 'admin'],
  'routing.write': ['admin'],
  /**
   * Internal collaboration (SPEC 3, modules/collaboration): the case's owner (or a lead) asks
   * another team; that team's members (or its leads) answer or decline, which the service
   * enforces. Staff read them; an admin sets each team's time limit.
   */
  'consultation.request': HANDLERS,
  'consultation.answer': HANDLERS,
  'consultation.read': STAFF,
  'consultation.limits.write': ['admin'],
  /**
   * Problem records and CAPA (SPEC 8, modules/improvement): leads create and own them (the owner,
   * or a manager or the director, decides each one's course, which the service enforces); staff
   * read them (agents only those linked to a case they may open, or with an action of theirs);
   * handlers may propose a case for one and mark their own actions done.
   */
  'problem.read': STAFF,
  'problem.write': LEADS,
  'problem.propose': HANDLERS,
  'problem.action': HANDLERS,
  /**
   * Handing inbound mail to the email channel (POST /api/v1/channels/email/inbound, modules/channels):
   * a mail gateway's API token. `integration` is the role for it: a service account (e.g.
   * mail-gateway@) that holds this permission and nothing else (not even self.read or token.own:
   * its tokens are made and revoked by an admin or the CLI, so a stolen token cannot mint another
   * that outlives its revocation), cannot log in with a password and is never staff (roles.ts).
   * Admin keeps it too, so that gateways already set up under an admin account go on working
   * after an upgrade; move them to an integration account (README, "Email channel"). No staff
   * member who handles cases may inject mail as a customer.
   */
  'channel.ingest': ['admin', 'integration'],
  /**
   * Knowledge base / FAQ (SPEC 9, modules/knowledge): all staff read published articles (internal
   * and public); handlers and admins write, agents drafts only (the service enforces it), and see
   * drafts and archived ones; leads and admins publish, archive and edit published articles;
   * handlers record an article used on a case. The public FAQ needs no login (public routes).
   */
  'knowledge.read': STAFF,
  'knowledge.write': [...HANDLERS, 'admin'],
  'knowledge.publish': [...LEADS, 'admin'],
  'knowledge.use': HANDLERS,
  /**
   * Satisfaction surveys (SPEC 6, modules/surveys): staff read a case's surveys where they may open
   * the case (the service checks it); the report and list over all cases for leads, inspectors and
   * admins (as analytics.read); recovery tasks for supervisors and above; the scale and expiry admin.
   */
  'survey.read': STAFF,
  'survey.report': [...LEADS, 'inspector', 'admin'],
  'survey.recovery': LEADS,
  'survey.settings.write': ['admin'],
  /** Periodic survey waves (定期满意度调查): leads read them and their results; a manager or the director creates, launches and cancels one (it mails customers in bulk). */
  'survey.wave.read': LEADS,
  'survey.wave.write': ['manager', 'director'],
  /**
   * Follow-ups (回访, SPEC 5, modules/followups): handlers see and record their own, leads their
   * teams' too (the service scopes each); handlers plan periodic follow-ups for their customers; an
   * admin sets the limit and the maximum attempts. Customers none.
   */
  'followup.read': HANDLERS,
  'followup.record': HANDLERS,
  'followup.plan.write': HANDLERS,
  'followup.settings.write': ['admin'],
  /**
   * Quality inspection (SPEC 7, modules/quality). Rubrics and sampling plans are written by the
   * quality leads: admin, manager and director (there is no inspector-lead role; a rubric decides
   * how agents are judged, so it is a management decision); inspectors and leads read them.
   * Inspectors draw samples and score; the service shows an inspection to inspectors and the
   * director, and once submitted to the agent inspected and the leads of their team. Handlers
   * appeal (their own: the service checks), leads arbitrate (their teams', or any as manager+).
   */
  'quality.rubric.read': [...LEADS, 'inspector', 'admin'],
  'quality.rubric.write': ['admin', 'manager', 'director'],
  'quality.plan.read': [...LEADS, 'inspector', 'admin'],
  'quality.plan.write': ['admin', 'manager', 'director'],
  'quality.sample': ['inspector', 'manager', 'director'],
  'quality.inspect': ['inspector'],
  'quality.read': [...HANDLERS, 'inspector'],
  'quality.appeal': HANDLERS,
  'quality.arbitrate': LEADS,
  /** A case's automatic checks (SPEC 7): those who may open the case; the flagged list: inspectors and leads. */
  'quality.checks.read': [...HANDLERS, 'inspector'],
  'quality.flags.read': [...LEADS, 'inspector'],
  'quality.settings.read': STAFF,
  'quality.settings.write': ['admin'],
  /**
   * Training and certification (SPEC 7, modules/training): staff read courses, published sittings
   * and their own results and certificates; handlers and inspectors take exams; trainers
   * (supervisor and above) and admins author courses, questions, exams and sittings and see
   * everyone's results; an admin revokes a certificate and decides whether handling a case needs one.
   */
  'training.read': STAFF,
  'training.take': [...HANDLERS, 'inspector'],
  'training.write': [...LEADS, 'admin'],
  'training.results': [...LEADS, 'admin'],
  'training.revoke': ['admin'],
  'training.settings.write': ['admin'],
  /**
   * Bulk import of offline records (SPEC 1, modules/channels/import): the leads who answer for the
   * records of their centre and the admin who moves them in; not agents (a file makes thousands of
   * cases at once), not customers.
   */
  'case.import': [...LEADS, 'admin'],
  /**
   * Service reports (SPEC 8, modules/reports): the monthly service supervision report and the
   * digests cover the whole centre, so they are for the leads (as the dashboard) and the admin, who
   * may also generate them; not inspectors (they inspect cases, not supervise the centre), agents
   * or customers. Digests are mailed to leads who subscribe (their own setting).
   */
  'report.read': [...LEADS, 'admin'],
  'report.generate': [...LEADS, 'admin'],
  'report.subscribe': LEADS,
  /**
   * After-sales field service (售后服务, SPEC 9, modules/fieldservice): handlers read the register and
   * the work orders of cases they may open (the service checks the case), register products and
   * contracts (admins too), open work orders, record remote support and quotes; dispatch (suggest,
   * book) is for supervisors and above, who also keep the engineers' profiles (with admins); the
   * visit itself (moves, checklist, parts, report, sign-off) is the booked engineer's (a staff
   * member with an engineer profile) or a lead's, which the service enforces; leads send notices.
   */
  'fieldservice.read': HANDLERS,
  'fieldservice.register': [...HANDLERS, 'admin'],
  'fieldservice.write': HANDLERS,
  'fieldservice.dispatch': LEADS,
  'fieldservice.engineers.write': [...LEADS, 'admin'],
  'fieldservice.visit': HANDLERS,
  'fieldservice.notice': LEADS,
  /**
   * Appraisal (考核, SPEC 7, modules/scorecards): handlers and admins read scorecards (the service
   * scopes them: an agent their own card, a lead their teams', the director and admins all); the
   * admin sets the indicators' weights. The monthly supervision assessment is the supervising
   * line's: the director records, publishes and corrects it; leads and admins read published ones.
   */
  'scorecard.read': [...HANDLERS, 'admin'],
  'scorecard.config.write': ['admin'],
  'supervision.read': [...LEADS, 'admin'],
  'supervision.write': ['director'],
  /**
   * Customer profiles (客户档案, SPEC 9, modules/customers): staff who read customers read profiles
   * (customer.read); supervisors and above and admins set a customer's value, pin a tier, name the
   * account manager (客户经理), hand customers over and recompute tiers, stages and churn flags; the
   * at-risk list is for leads (and admins). Care campaigns (关怀活动) mail customers in bulk, so
   * they are for managers, the director and admins.
   */
  'customer.profile.write': [...LEADS, 'admin'],
  'customer.risk.read': [...LEADS, 'admin'],
  'campaign.read': ['manager', 'director', 'admin'],
  'campaign.write': ['manager', 'director', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const can = (role: string, permission: Permission): boolean =>
  (PERMISSIONS[permission] as readonly string[]).includes(role);

export const permissionsOf = (role: string): Permission[] =>
  (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
