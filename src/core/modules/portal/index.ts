export { listOwnCases, getOwnCase } from './portal.service.ts';
export * from './portal.schemas.ts';
