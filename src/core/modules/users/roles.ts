/**
 * `integration`: a service account for a system that hands work in (a mail gateway), API tokens
 * only: no password, no web session (auth.service.ts), not a member of staff (never assigned a
 * case, never a team lead: activeStaff), and only the permissions named for it (permissions.ts).
 */
export const ROLES = ['agent', 'supervisor', 'manager', 'director', 'inspector', 'admin', 'customer', 'integration'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ROLES.filter((r) => r !== 'customer' && r !== 'integration');
/** Roles that may not have a password nor log in to the web: their accounts act by API token only. */
export const TOKEN_ONLY_ROLES: readonly Role[] = ['integration'];
export const isTokenOnly = (role: string): boolean => (TOKEN_ONLY_ROLES as readonly string[]).includes(role);

/** Authority levels along the escalation path (agent -> supervisor -> manager -> director). */
export const AUTHORITY: Partial<Record<Role, number>> = { agent: 1, supervisor: 2, manager: 3, director: 4 };
export const authorityOf = (role: string): number => AUTHORITY[role as Role] ?? 0;
