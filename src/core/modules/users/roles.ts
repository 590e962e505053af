export const ROLES = ['agent', 'supervisor', 'manager', 'director', 'inspector', 'admin', 'customer'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ROLES.filter((r) => r !== 'customer');

/** Authority levels along the escalation path (agent -> supervisor -> manager -> director). */
export const AUTHORITY: Partial<Record<Role, number>> = { agent: 1, supervisor: 2, manager: 3, director: 4 };
export const authorityOf = (role: string): number => AUTHORITY[role as Role] ?? 0;
