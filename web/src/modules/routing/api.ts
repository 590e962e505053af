import { api, post } from '../../api.ts';
import type { NewRoutingRule, RoutingRulePatch, RoutingRuleView, RoutingSimulation, SimulateRoutingInput } from '../../types.ts';

/** Routing rules (SPEC 3, 分派; routing.routes.ts): leads read and simulate (routing.read), the admin changes them (routing.write). */
export const ROUTING_STRATEGIES = ['none', 'round_robin', 'least_loaded'] as const;
export const CUSTOMER_TIERS = ['vip', 'key', 'normal'] as const;
export const LANGUAGES = ['zh', 'en'] as const;

export const listRules = () => api<RoutingRuleView[]>('/api/v1/routing/rules');
export const createRule = (body: NewRoutingRule) => post<RoutingRuleView>('/api/v1/routing/rules', body);
export const updateRule = (id: string, body: RoutingRulePatch) => api<RoutingRuleView>(`/api/v1/routing/rules/${encodeURIComponent(id)}`, { method: 'PATCH', body });
export const deleteRule = (id: string) => api<null>(`/api/v1/routing/rules/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const simulate = (body: SimulateRoutingInput) => post<RoutingSimulation>('/api/v1/routing/simulate', body);
