import { api, post, withQuery } from '../../api.ts';

/** After-sales field service (售后服务, SPEC 9): fieldservice.routes.ts. Money is in fen (1/100 CNY). */
export const WORK_ORDER_TYPES = ['installation', 'delivery', 'training', 'repair', 'maintenance'] as const;
export const WORK_ORDER_STATUSES = ['new', 'remote_support', 'scheduled', 'en_route', 'on_site', 'completed', 'signed_off', 'cancelled'] as const;
export const QUOTE_KINDS = ['labour', 'parts', 'callout'] as const;

export interface ContractView {
  id: string;
  number: string;
  level: string;
  startsOn: string;
  endsOn: string;
}

export interface ProductView {
  id: string;
  customerId: string;
  customerName: string | null;
  model: string;
  serial: string;
  purchasedOn: string;
  warrantyEndsOn: string;
  lastMaintainedOn: string | null;
  contract: ContractView | null;
  serviceKind: 'warranty' | 'contract' | 'paid';
}

export interface QuoteItem {
  kind: (typeof QUOTE_KINDS)[number];
  description: string;
  amountFen: number;
}

export interface WorkOrderView {
  id: string;
  caseId: string;
  caseNumber: string | null;
  productId: string;
  model: string | null;
  serial: string | null;
  customerName: string | null;
  type: (typeof WORK_ORDER_TYPES)[number];
  status: (typeof WORK_ORDER_STATUSES)[number];
  area: string;
  skill: string | null;
  serviceKind: ProductView['serviceKind'];
  problem: string | null;
  quote: { items: QuoteItem[]; totalFen: number; currency: 'CNY'; acceptedAt: number | null; acceptedBy: string | null } | null;
  remote: { outcome: 'resolved' | 'not_resolved'; notes: string | null; at: number } | null;
  overrideReason: string | null;
  engineerId: string | null;
  engineerName: string | null;
  visitDate: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  visits: number;
  checklist: Array<{ key: string; done: boolean; note: string | null }>;
  report: { workDone: string; findings: string; minutesOnSite: number } | null;
  parts: Array<{ id: string; partNo: string; name: string; qty: number; unitPriceFen: number; partSerial: string | null; warrantyMonths: number; installedOn: string; warrantyEndsOn: string }>;
  signoff: { signerName: string; at: number; confirmation: string | null } | null;
  cancelReason: string | null;
  createdAt: number;
}

export interface Suggestion {
  userId: string;
  name: string;
  score: number;
  areaMatch: boolean;
  skillMatch: boolean;
  booked: number;
  maxDailyVisits: number;
}

const wo = (id: string, action = '') => `/api/v1/work-orders/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

export const listProducts = (serial: string) => api<ProductView[]>(withQuery('/api/v1/fieldservice/products', { serial, limit: 100 }));
export interface EngineerView {
  userId: string;
  name: string;
  skills: string[];
  areas: string[];
  maxDailyVisits: number;
  active: boolean;
}
export const listEngineers = () => api<EngineerView[]>('/api/v1/fieldservice/engineers');
/** A customer's registered products (the case page's product card and the new-order form). */
export const customerProducts = (customerId: string) => api<ProductView[]>(withQuery('/api/v1/fieldservice/products', { customerId, limit: 200 }));
export const createProduct = (body: { customerId: string; model: string; serial: string; purchasedOn: string; warrantyEndsOn: string }) => post<ProductView>('/api/v1/fieldservice/products', body);
export const listWorkOrders = (f: { status?: string; scope?: 'all' | 'mine'; caseId?: string }) => api<WorkOrderView[]>(withQuery('/api/v1/work-orders', { ...f, limit: 100 }));
export const getWorkOrder = (id: string) => api<WorkOrderView>(wo(id));
export const createWorkOrder = (body: { caseId: string; productId: string; type: string; area: string; skill?: string; problem?: string }) => post<WorkOrderView>('/api/v1/work-orders', body);
export const remoteSupport = (id: string, body: { outcome: string; notes?: string }) => post<WorkOrderView>(wo(id, 'remote-support'), body);
export const setQuote = (id: string, items: QuoteItem[]) => api<WorkOrderView>(wo(id, 'quote'), { method: 'PUT', body: { items } });
export const acceptQuote = (id: string, acceptedBy: string) => post<WorkOrderView>(wo(id, 'quote/accept'), { acceptedBy });
export const suggestions = (id: string, date: string) => api<Suggestion[]>(withQuery(wo(id, 'suggestions'), { date }));
export const bookVisit = (id: string, body: { engineerId: string; date: string; windowStart: string; windowEnd: string; overrideReason?: string; reason?: string }) => post<WorkOrderView>(wo(id, 'book'), body);
export const moveWorkOrder = (id: string, to: string, reason?: string) => post<WorkOrderView>(wo(id, 'move'), reason ? { to, reason } : { to });
export const tickChecklist = (id: string, items: Array<{ key: string; done: boolean; note?: string | null }>) => api<WorkOrderView>(wo(id, 'checklist'), { method: 'PUT', body: { items } });
export const addPart = (id: string, body: { partNo: string; name: string; qty: number; unitPriceFen: number; partSerial?: string; warrantyMonths: number }) => post<WorkOrderView>(wo(id, 'parts'), body);
export const completeWorkOrder = (id: string, report: { workDone: string; findings: string; minutesOnSite: number }) => post<WorkOrderView>(wo(id, 'complete'), { report });
export const signOff = (id: string, body: { signerName: string; confirmation?: string }) => post<WorkOrderView>(wo(id, 'signoff'), body);

/** 12345 fen -> "¥123.45". */
export const yuan = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;
/** "123.45" yuan typed in a form -> fen (rounded to the fen). */
export const fenOf = (yuanText: string): number => Math.round(Number(yuanText) * 100);

/** The statuses of a service order still being worked on (the case page lists these). */
export const OPEN_WORK_ORDER_STATUSES: ReadonlyArray<WorkOrderView['status']> = ['new', 'remote_support', 'scheduled', 'en_route', 'on_site'];
