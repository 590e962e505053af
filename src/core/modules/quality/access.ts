import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { authorityOf } from '../users/index.ts';

type Db = Kysely<Database>;

/** The teams the actor leads and every unit under them: a lead's "own teams". */
export async function ledTeams(db: Db, actor: Actor): Promise<string[]> {
  if (actor.kind !== 'staff' || authorityOf(actor.role) < 2) return [];
  const teams = await db.selectFrom('teams').select(['id', 'parent_id', 'lead_user_id']).execute();
  const out = new Set(teams.filter((t) => t.lead_user_id === actor.id).map((t) => t.id));
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of teams)
      if (t.parent_id && out.has(t.parent_id) && !out.has(t.id)) {
        out.add(t.id);
        grew = true;
      }
  }
  return [...out];
}

/** A team and every unit under it. */
export async function teamAndBelow(db: Db, teamId: string): Promise<string[]> {
  const teams = await db.selectFrom('teams').select(['id', 'parent_id']).execute();
  const out = new Set([teamId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of teams)
      if (t.parent_id && out.has(t.parent_id) && !out.has(t.id)) {
        out.add(t.id);
        grew = true;
      }
  }
  return [...out];
}

export interface InspectionScope {
  agent_id: string;
  agent_team_id: string | null;
  status: string;
}

/**
 * Who reads an inspection: inspectors (all, drafts included) and the service director; once it is
 * submitted, the agent inspected, the leads of their team (or a unit above it) and the managers
 * (who may arbitrate any appeal: mayArbitrate). Admins and other agents: nothing.
 */
export function maySeeInspection(actor: Actor, i: InspectionScope, led: readonly string[]): boolean {
  if (actor.kind !== 'staff') return false;
  if (actor.role === 'inspector' || authorityOf(actor.role) >= 4) return true;
  if (i.status !== 'submitted') return false;
  if (authorityOf(actor.role) >= 3) return true;
  return i.agent_id === actor.id || (i.agent_team_id !== null && led.includes(i.agent_team_id));
}

/**
 * Who arbitrates an appeal: the lead of the agent's team (or of a unit above it), or any manager
 * or director; never the agent appealing.
 */
export function mayArbitrate(actor: Actor, i: InspectionScope, led: readonly string[]): boolean {
  if (actor.kind !== 'staff' || actor.id === i.agent_id) return false;
  const a = authorityOf(actor.role);
  return a >= 3 || (a >= 2 && i.agent_team_id !== null && led.includes(i.agent_team_id));
}
