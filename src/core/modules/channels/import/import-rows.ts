import { DateTime } from 'luxon';
import { CASE_TYPES, EARLIEST_RECEIVED_AT, type CaseType, type Channel, type NewCaseInput } from '../../cases/index.ts';
import { phoneKey } from '../../customers/index.ts';
import { sha256 } from '../../../shared/ids.ts';
import { channelOf, typeOf, type ImportColumn } from './import-columns.ts';
import type { SheetRow } from './import-read.ts';

export interface RowError {
  /** The template column at fault (null: the row as a whole). */
  column: ImportColumn | null;
  code: string;
  message: string;
}

/** What a row of the file becomes: the intake's input, its idempotency key and how it came in. */
export interface PreparedRow {
  rowNo: number;
  key: string;
  input: NewCaseInput;
  receivedBy: string | null;
  /** The channel as the record named it (a letter, a fax...), kept on the timeline. */
  sourceChannel: string | null;
}

/** What the rows are checked against, read once for the whole file. */
export interface Lookups {
  /** code, name, English name and "parent/child" path (lower case) -> category id */
  categories: Map<string, string>;
  /** active staff, by email (lower case) -> user id */
  staff: Map<string, string>;
  now: number;
  timeZone: string;
}

/** 2026-11-02 10:30[:00], 2026/11/2 9:05, 2026-11-02T10:30, 2026年11月2日 10时30分, or a date alone (its midnight). */
const LOCAL_TIME = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2}))?(?:\.\d+)?[分秒]?)?$/;

/** A time of receipt as written on the record, in the centre's zone unless it names an offset (ISO). */
export function parseReceivedAt(text: string, zone: string): number | null {
  const t = text.trim().replace(/\s+/g, ' ');
  if (/[zZ]$|[+-]\d\d:?\d\d$/.test(t) && t.includes('T')) {
    const iso = DateTime.fromISO(t, { setZone: true });
    return iso.isValid ? iso.toMillis() : null;
  }
  const m = LOCAL_TIME.exec(t);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number, number];
  const d = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone });
  // luxon refuses 31 November and 25:00; a wall time skipped by a DST change (not in China) would move
  if (!d.isValid || d.day !== day || d.hour !== hour || d.minute !== minute) return null;
  return d.toMillis();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const err = (column: ImportColumn | null, code: string, message: string): RowError => ({ column, code, message });

/** The column's limit, as the intake API's (cases/case.schemas.ts newCaseBody). */
const LIMITS: Partial<Record<ImportColumn, number>> = { name: 200, subject: 300, description: 20_000, request: 5_000, externalRef: 200, email: 254 };

/**
 * Checks one row and makes it the intake's input. Errors name the column and a code; messages
 * never repeat the cell's value (the error report holds no personal data).
 */
export function prepareRow(row: SheetRow, l: Lookups): { ok: PreparedRow } | { errors: RowError[] } {
  const c = row.cells;
  const errors: RowError[] = [];
  for (const [col, max] of Object.entries(LIMITS) as Array<[ImportColumn, number]>)
    if ((c[col]?.length ?? 0) > max) errors.push(err(col, 'import_value_too_long', `At most ${max} characters.`));
  for (const col of ['name', 'subject', 'description'] as const) if (!c[col]) errors.push(err(col, 'import_value_required', 'This column is required.'));

  let receivedAt: number | undefined;
  if (!c.receivedAt) errors.push(err('receivedAt', 'import_value_required', 'This column is required.'));
  else {
    const at = parseReceivedAt(c.receivedAt, l.timeZone);
    if (at === null) errors.push(err('receivedAt', 'import_date_invalid', 'Not a date and time; write it as 2026-11-02 10:30 (the centre’s time zone).'));
    else if (at > l.now + 60_000) errors.push(err('receivedAt', 'received_in_future', 'The time of receipt is in the future.'));
    else if (at < EARLIEST_RECEIVED_AT) errors.push(err('receivedAt', 'received_too_early', `The time of receipt is before ${new Date(EARLIEST_RECEIVED_AT).toISOString().slice(0, 10)}.`));
    else receivedAt = at;
  }

  let channel: Channel = 'import';
  if (c.channel) {
    const ch = channelOf(c.channel);
    if (!ch) errors.push(err('channel', 'import_channel_unknown', 'Unknown channel: phone, walk-in, letter, fax, email, web, chat, social (or 电话、上门、信函、传真、邮件、网站、在线、社交).'));
    else channel = ch;
  }

  const email = c.email?.toLowerCase();
  if (email && !EMAIL.test(email)) errors.push(err('email', 'import_email_invalid', 'Not an email address.'));
  if (c.phone && phoneKey(c.phone) === null) errors.push(err('phone', 'phone_invalid', 'Not a phone number: digits, optionally with a leading + and spaces, dashes, dots or parentheses.'));
  if (!c.phone && !email) errors.push(err(null, 'import_contact_required', 'Give the customer’s phone or email (the case is answered there, and the customer found by it).'));

  let type: CaseType | undefined;
  if (c.type) {
    type = typeOf(c.type);
    if (!type) errors.push(err('type', 'import_type_unknown', `Unknown type: ${CASE_TYPES.join(', ')} (or 咨询、投诉、抱怨、建议、表扬、报修).`));
  }
  let categoryId: string | undefined;
  if (c.category) {
    categoryId = l.categories.get(c.category.toLowerCase().replace(/\s*[/>＞／]\s*/g, '/'));
    if (!categoryId) errors.push(err('category', 'import_category_unknown', 'No category has this name, code or path.'));
  }
  let receivedBy: string | null = null;
  if (c.receivedBy) {
    receivedBy = l.staff.get(c.receivedBy.toLowerCase()) ?? null;
    if (!receivedBy) errors.push(err('receivedBy', 'import_staff_unknown', 'No active staff member has this email.'));
  }
  if (errors.length > 0) return { errors };

  const input: NewCaseInput = {
    channel,
    contact: { name: c.name!, ...(email ? { email } : {}), ...(c.phone ? { phone: c.phone } : {}) },
    subject: c.subject!,
    description: c.description!,
    ...(c.request ? { request: c.request } : {}),
    receivedAt: receivedAt!,
    ...(type ? { type } : {}),
    ...(categoryId ? { categoryId } : {}),
    ...(c.externalRef ? { externalRef: c.externalRef } : {}),
    // an offline record was answered offline: no acknowledgement mail for it (see import.service.ts on historical records)
    noAcknowledgementMail: true,
  };
  return { ok: { rowNo: row.rowNo, key: rowKey(row), input, receivedBy, sourceChannel: c.channel ?? null } };
}

/**
 * A record's idempotency key: its external reference; without one, a hash of what the row says
 * (the same record in another file, or the same file again, is the same key).
 */
export function rowKey(row: SheetRow): string {
  if (row.cells.externalRef) return `ref:${row.cells.externalRef}`;
  const cells = Object.entries(row.cells).sort(([a], [b]) => a.localeCompare(b));
  return `row:${sha256(JSON.stringify(cells))}`;
}
