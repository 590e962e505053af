import { sql } from 'kysely';

/**
 * How a target counts in SLA compliance (SPEC 8), from its state, never from `met_at > due_at`:
 * the deadline of a paused target is stale (it moves when the timer resumes), and a target
 * completed while paused was met whatever that stale instant says.
 *  - met: completed within its budget;
 *  - breached: its deadline passed while it ran (marked by the sweep, or on the case change that
 *    completed, paused or re-planned it first), completed late or not; a target still running
 *    counts as breached too, as it will be unless met first: callers judge only targets whose
 *    deadline is past (and a running one met before it becomes `met`);
 *  - neither: paused (no deadline runs) or cancelled.
 * Its own file, free of the module's index: the analytics read thread loads it.
 */
export type Outcome = 'met' | 'breached' | null;

export const outcomeOf = (state: string): Outcome => (state === 'met' ? 'met' : state === 'breached' || state === 'running' ? 'breached' : null);

/** The same rule in SQL, as sums over case_targets rows. */
export const MET_SQL = sql<number>`sum(case when state = 'met' then 1 else 0 end)`;
export const BREACHED_SQL = sql<number>`sum(case when state in ('breached', 'running') then 1 else 0 end)`;
