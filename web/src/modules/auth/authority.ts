/**
 * Who may decide what, as the API checks it (src/core/modules/users/roles.ts `AUTHORITY`,
 * src/core/modules/cases/case.ts `minimumAuthorityForGrade`), copied rather than imported so that
 * the bundle holds no server code. The UI offers an action only when the API would take it.
 */
export const AUTHORITY: Readonly<Record<string, number>> = { agent: 1, supervisor: 2, manager: 3, director: 4 };

/** The authority a complaint's grade needs (SPEC 2): urgent a manager or above, important a supervisor or above. */
export const minimumAuthority = (grade: string | null): number => (grade === 'urgent' ? 3 : grade === 'important' ? 2 : 1);
