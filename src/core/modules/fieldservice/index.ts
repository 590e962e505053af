// After-sales field service (售后服务, SPEC 9): the product register, work orders with remote support first, dispatch, the visit and its sign-off, proactive notices.
export * from './fieldservice.schemas.ts';
export { createContract, listContracts, createProduct, listProducts, getProduct, customerProducts, listEngineers, putEngineer } from './register.service.ts';
export {
  getWorkOrder,
  listWorkOrders,
  createWorkOrder,
  recordRemoteSupport,
  setQuote,
  acceptQuote,
  suggestEngineers,
  bookVisit,
  moveWorkOrder,
  tickChecklist,
  addPart,
  completeWorkOrder,
  signOff,
} from './workorders.service.ts';
export { sendNotice, noticeAudience } from './notices.ts';
export { listOwnProducts, getOwnWorkOrder, portalProductSchema, portalWorkOrderSchema, type PortalProduct, type PortalWorkOrder } from './portal.ts';
export { serviceKindOn, partWarrantyEnd, rankEngineers, quoteTotalFen, dayIn, CHECKLIST_TEMPLATES, type EngineerFacts, type Suggestion } from './rules.ts';
export type { ServiceContractsTable, CustomerProductsTable, FieldEngineersTable, WorkOrdersTable, WorkOrderPartsTable } from './fieldservice.table.ts';
