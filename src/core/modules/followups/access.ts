import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { forbidden } from '../../shared/errors.ts';
import { authorityOf } from '../users/index.ts';
import type { FollowupsTable } from './followup.table.ts';

type Db = Kysely<Database>;

/**
 * Whose follow-ups a member of staff sees and records (SPEC 5 with 10, least privilege): an agent
 * their own, and their team's not assigned to anyone; a lead (supervisor, manager) those of the
 * teams under them (their team, the teams they lead, and every team below those); the director
 * all. Customers none (no permission at all).
 */
export interface FollowupScope {
  all: boolean;
  userId: string;
  teamId: string | null;
  /** The teams a lead answers for. */
  teams: string[];
}

export async function scopeOf(db: Db, actor: Actor): Promise<FollowupScope> {
  if (actor.kind !== 'staff') throw forbidden();
  const authority = authorityOf(actor.role);
  const base = { userId: actor.id, teamId: actor.teamId };
  if (authority >= 4) return { ...base, all: true, teams: [] };
  if (authority < 2) return { ...base, all: false, teams: [] };
  const all = await db.selectFrom('teams').select(['id', 'parent_id', 'lead_user_id']).execute();
  const roots = new Set([...(actor.teamId ? [actor.teamId] : []), ...all.filter((t) => t.lead_user_id === actor.id).map((t) => t.id)]);
  const teams = new Set<string>();
  // every team whose chain upwards meets a root
  for (const t of all) {
    for (let id: string | null = t.id, hops = 0; id && hops < 10; hops++) {
      if (roots.has(id)) {
        teams.add(t.id);
        break;
      }
      id = all.find((x) => x.id === id)?.parent_id ?? null;
    }
  }
  return { ...base, all: false, teams: [...teams] };
}

export const inScope = (s: FollowupScope, f: Pick<FollowupsTable, 'assignee_id' | 'team_id'>): boolean =>
  s.all || f.assignee_id === s.userId || (f.assignee_id === null && f.team_id !== null && f.team_id === s.teamId) || (f.team_id !== null && s.teams.includes(f.team_id));

/** The same as a query condition on `f` (followups). */
export function scopeCondition(eb: ExpressionBuilder<Database & { f: FollowupsTable }, 'f'>, s: FollowupScope) {
  const or = [eb('f.assignee_id', '=', s.userId)];
  if (s.teamId) or.push(eb.and([eb('f.assignee_id', 'is', null), eb('f.team_id', '=', s.teamId)]));
  if (s.teams.length) or.push(eb('f.team_id', 'in', s.teams));
  return eb.or(or);
}
