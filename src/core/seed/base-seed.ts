import type { Ctx } from '../context.ts';
import { systemActor } from '../shared/actor.ts';
import { createCategory } from '../modules/cases/index.ts';
import { createTeam, createUser, setTeamLead, type Role, type UserView } from '../modules/users/index.ts';

export const BASE_CATEGORIES: Array<[string, string, string]> = [
  ['product', '产品质量', 'Product quality'],
  ['delivery', '物流配送', 'Delivery'],
  ['billing', '收费与账单', 'Billing'],
  ['staff', '服务态度', 'Staff attitude'],
  ['process', '办理流程', 'Process'],
  ['repair', '维修售后', 'Repair and after-sales'],
  ['account', '账户与会员', 'Account'],
  ['other', '其他', 'Other'],
];

export interface BaseSeed {
  users: Record<string, UserView>;
  teams: Record<string, string>;
  password: string;
}

/**
 * The organisation every installation starts from: a service department with two teams, the
 * escalation path agent -> supervisor -> manager -> director, an inspector and an admin.
 */
export async function seedBase(ctx: Ctx, password: string): Promise<BaseSeed> {
  const sys = systemActor('seed');
  const centre = await createTeam(ctx, { name: '客户服务中心', nameEn: 'Customer Service Centre', kind: 'department' }, sys);
  const frontline = await createTeam(ctx, { name: '一线服务组', nameEn: 'Front-line team', kind: 'team', parentId: centre.id }, sys);
  const aftersales = await createTeam(ctx, { name: '售后技术组', nameEn: 'After-sales team', kind: 'team', parentId: centre.id }, sys);
  const mk = (email: string, name: string, role: Role, teamId: string | null, languages = ['zh', 'en']) =>
    createUser(ctx, { email, name, role, password, teamId, languages }, sys);
  const users: Record<string, UserView> = {
    admin: await mk('admin@serviceloop.local', '系统管理员 Admin', 'admin', null),
    director: await mk('director@serviceloop.local', '周总监 Director Zhou', 'director', centre.id),
    manager: await mk('manager@serviceloop.local', '王经理 Manager Wang', 'manager', centre.id),
    supervisor: await mk('supervisor@serviceloop.local', '李主管 Supervisor Li', 'supervisor', frontline.id),
    supervisor2: await mk('supervisor2@serviceloop.local', '赵主管 Supervisor Zhao', 'supervisor', aftersales.id),
    agent: await mk('agent@serviceloop.local', '张晓 Agent Zhang', 'agent', frontline.id),
    agent2: await mk('agent2@serviceloop.local', '陈明 Agent Chen', 'agent', frontline.id),
    agent3: await mk('agent3@serviceloop.local', 'Emily Agent Liu', 'agent', frontline.id, ['en']),
    tech: await mk('tech@serviceloop.local', '孙工 Technician Sun', 'agent', aftersales.id),
    inspector: await mk('inspector@serviceloop.local', '吴质检 Inspector Wu', 'inspector', centre.id),
  };
  await setTeamLead(ctx, centre.id, users.manager!.id, sys);
  await setTeamLead(ctx, frontline.id, users.supervisor!.id, sys);
  await setTeamLead(ctx, aftersales.id, users.supervisor2!.id, sys);
  for (const [code, name, nameEn] of BASE_CATEGORIES) await createCategory(ctx, { code, name, nameEn }, sys);
  return { users, teams: { centre: centre.id, frontline: frontline.id, aftersales: aftersales.id }, password };
}

export const isSeeded = async (ctx: Ctx): Promise<boolean> =>
  Boolean(await ctx.db.selectFrom('users').select('id').limit(1).executeTakeFirst());
