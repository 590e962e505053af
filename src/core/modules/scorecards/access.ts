import type { Ctx } from '../../context.ts';
import type { Actor } from '../../shared/actor.ts';
import { authorityOf } from '../users/index.ts';
import { ledTeams, teamAndBelow } from '../quality/access.ts';

/**
 * Whose cards a viewer sees (SPEC 7, as the quality module's leads): the director and admins all;
 * a supervisor or manager the units they lead and those under them (a manager without a unit of
 * their own to lead: their department, i.e. their team and below), and their own card; an agent
 * only their own card.
 */
export type CardScope = { kind: 'all' } | { kind: 'teams'; teams: Set<string>; self: string } | { kind: 'own'; self: string };

export async function cardScope(ctx: Ctx, actor: Actor): Promise<CardScope> {
  if (actor.role === 'admin' || actor.role === 'director') return { kind: 'all' };
  if (authorityOf(actor.role) >= 2) {
    const teams = new Set(await ledTeams(ctx.db, actor));
    if (!teams.size && actor.role === 'manager' && actor.teamId) for (const t of await teamAndBelow(ctx.db, actor.teamId)) teams.add(t);
    return { kind: 'teams', teams, self: actor.id };
  }
  return { kind: 'own', self: actor.id };
}

export const seesCard = (s: CardScope, agent: { id: string; teamId: string | null }): boolean =>
  s.kind === 'all' || agent.id === s.self || (s.kind === 'teams' && agent.teamId !== null && s.teams.has(agent.teamId));
