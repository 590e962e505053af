export * from './case.ts';
export * from './case.views.ts';
export * from './case.hooks.ts';
export * from './case.service.ts';
export * from './case.queries.ts';
export * from './categories.service.ts';
export { suggestClassification } from './classification.ts';
export type { CasesTable, CaseEventsTable } from './case.table.ts';
export * from './case.schemas.ts';
