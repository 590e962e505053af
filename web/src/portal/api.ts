import { api, post, withQuery } from '../api.ts';
import type { CategoryView } from '../types.ts';
import type { PortalCaseDetail, PortalList } from '../../../src/core/modules/portal/portal.schemas.ts';
import type { PortalProduct, PortalWorkOrder } from '../../../src/core/modules/fieldservice/portal.ts';

export type { PortalCaseDetail, PortalList };
export type { PortalProduct, PortalWorkOrder };

/** The customer's words for a case's type (the API classifies; see NewRequestPage). */
export const REQUEST_TYPES = ['inquiry', 'complaint', 'dissatisfaction', 'suggestion', 'praise', 'service_request'] as const;
export const CONTACT_PREFERENCES = ['email', 'phone', 'either'] as const;
export type ListShow = 'all' | 'open' | 'done';
export const PAGE_SIZE = 10;

export const listRequests = (show: ListShow, page: number) => api<PortalList>(withQuery('/api/v1/portal/cases', { show, page, pageSize: PAGE_SIZE }));
export const getRequest = (id: string) => api<PortalCaseDetail>(`/api/v1/portal/cases/${encodeURIComponent(id)}`);
export const listCategories = () => api<CategoryView[]>('/api/v1/categories');
/** 我的产品: the customer's own products with their warranty today and service orders (fieldservice/portal.ts). */
export const listMyProducts = () => api<PortalProduct[]>('/api/v1/portal/products');

export interface FileInput {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/** The web portal form: POST /api/v1/cases (channel web; the server takes the customer from the session). */
export const submitRequest = (body: unknown, idempotencyKey: string) => post<{ id: string; number: string }>('/api/v1/cases', body, { 'idempotency-key': idempotencyKey });

const action = (id: string, path: string, body: unknown) => post<unknown>(`/api/v1/cases/${encodeURIComponent(id)}/${path}`, body);
export const sendReply = (id: string, body: string) => action(id, 'replies', { body });
export const sendFile = (id: string, f: FileInput) => action(id, 'attachments', f);
export const confirmResolved = (id: string, comment: string) => action(id, 'confirm', comment.trim() ? { comment } : {});
export const reopenRequest = (id: string, reason: string) => action(id, 'reopen', { reason });
export const attachmentHref = (caseId: string, attachmentId: string) => `/api/v1/cases/${encodeURIComponent(caseId)}/attachments/${encodeURIComponent(attachmentId)}`;

/** A file picked in the browser as the API takes it (base64, no data: prefix). */
export function readFile(file: File): Promise<FileInput> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result);
      resolve({ filename: file.name, contentType: file.type || 'application/octet-stream', contentBase64: s.slice(s.indexOf(',') + 1) });
    };
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}
