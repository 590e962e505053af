// Routing (SPEC 3, 分派): rules that send a new case to a team and an agent; intake calls routeNewCase.
export * from './routing.ts';
export * from './routing.schemas.ts';
export {
  createRoutingRule,
  deleteRoutingRule,
  enabledRules,
  getRoutingRule,
  listRoutingRules,
  routeNewCase,
  RoutingCursorMoved,
  simulateRouting,
  updateRoutingRule,
  type RoutingDecision,
} from './routing.service.ts';
export type { RoutingCursorsTable, RoutingRulesTable } from './routing.table.ts';
