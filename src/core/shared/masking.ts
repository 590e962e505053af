import { can } from '../modules/users/permissions.ts';
import type { Actor } from './actor.ts';

/**
 * Personal data masked for roles that do not need it (SPEC 10). Only what is returned is masked:
 * the database, the audit log and the notifications keep the real values, and search matches them.
 */

/** 13711112222 -> 137****2222; a number under 10 characters keeps only its last 2 (3 + 4 would show nearly all). */
export function maskPhone(phone: string): string {
  const p = phone.trim();
  if (p.length >= 10) return `${p.slice(0, 3)}${'*'.repeat(p.length - 7)}${p.slice(-4)}`;
  return `${'*'.repeat(Math.max(p.length - 2, 0))}${p.slice(-2)}`;
}

/** li.lei@example.com -> l***@example.com */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return '***';
  return `${email.slice(0, Math.min(at, 1))}***${email.slice(at)}`;
}

export const maskNullable = <T extends string | null>(v: T, mask: (s: string) => string): T => (v === null ? v : (mask(v) as T));

/**
 * Whether `viewer` sees personal data in clear: the system, staff holding `personal.read`, and a
 * customer looking at their own (`ownerCustomerId`). null: no viewer, the value is stored or sent,
 * not shown (never pass null for an API response).
 */
export function seesPersonalData(viewer: Actor | null, ownerCustomerId?: string | null): boolean {
  if (viewer === null || viewer.kind === 'system') return true;
  if (viewer.kind === 'customer') return Boolean(ownerCustomerId) && viewer.customerId === ownerCustomerId;
  return can(viewer.role, 'personal.read');
}

const EMAIL_KEYS = new Set(['email', 'contact_email', 'contactEmail']);
const PHONE_KEYS = new Set(['phone', 'contact_phone', 'contactPhone']);
const LOOKS_LIKE_PHONE = /^\+?[\d\s\-()]{5,}$/;

const maskKeyed = (key: string, v: unknown): unknown => {
  if (typeof v !== 'string') return Array.isArray(v) && key === 'to' ? v.map((x) => maskKeyed(key, x)) : maskFields(v);
  if (EMAIL_KEYS.has(key)) return maskEmail(v);
  if (PHONE_KEYS.has(key)) return maskPhone(v);
  // `to` is a recipient in notifications but a status in status changes, `q` a search (audited case
  // and customer lists) by phone, email or words: masked only when it is a phone or email address
  if (key === 'to' || key === 'q') return v.includes('@') ? maskEmail(v) : LOOKS_LIKE_PHONE.test(v) ? maskPhone(v) : v;
  return v;
};

/** A copy of a JSON value (audit before/after, event data) with email and phone fields masked by key, at any depth. */
export function maskFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskFields);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskKeyed(k, v)]));
}
