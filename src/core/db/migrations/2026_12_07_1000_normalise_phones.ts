import { sql, type Kysely, type RawBuilder } from 'kysely';
import { atomically, isPg } from './helpers.ts';

/**
 * Phone numbers are stored normalised from now on (modules/customers/phone.ts), and intake finds
 * a customer by the normalised number; this brings stored customers.phone and cases.contact_phone
 * into that form where plain SQL does it simply: spaces, tabs, dashes, dots and parentheses
 * dropped, then a 00 prefix written +, and a +86 prefix removed (a mobile or 0-prefixed number as
 * it is, a landline given its trunk 0, as phoneKey does). Only a value that is then a number
 * (digits, optionally a leading +) is changed.
 * Left as they are: values with letters or other characters (extensions, notes), and values with
 * full-width separators or other unicode spaces and dashes (phoneKey drops those). Customers that
 * two spellings of one number already made stay two customers (now with one phone; intake takes
 * the earliest); merging them is a person's call.
 * The search index keeps the old spelling of a case's phone until the case is indexed again.
 * down() does nothing: the original spelling is not kept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // digits, optionally after a leading +
  const isNumber = (e: RawBuilder<unknown>) =>
    isPg(db) ? sql`${e} ~ '^\\+?[0-9]+$'` : sql`(${e} GLOB '[+0-9]*' AND substr(${e}, 2) NOT GLOB '*[^0-9]*' AND ${e} GLOB '*[0-9]')`;
  await atomically(db, async (trx) => {
    for (const [table, column] of [['customers', 'phone'], ['cases', 'contact_phone']] as const) {
      const t = sql.table(table);
      const col = sql.ref(column);
      const stripped = ['-', '.', '(', ')', '\t'].reduce((e, ch) => sql`replace(${e}, ${sql.lit(ch)}, '')`, sql`replace(${col}, ' ', '')`);
      await sql`UPDATE ${t} SET ${col} = ${stripped} WHERE ${col} <> ${stripped} AND ${isNumber(stripped)}`.execute(trx);
      await sql`UPDATE ${t} SET ${col} = '+' || substr(${col}, 3) WHERE ${col} LIKE '00%' AND ${isNumber(col)}`.execute(trx);
      const rest = sql`substr(${col}, 4)`;
      await sql`UPDATE ${t} SET ${col} = CASE
          WHEN ${rest} LIKE '0%' OR (${rest} LIKE '1%' AND length(${rest}) = 11) OR ${rest} LIKE '400_______' OR ${rest} LIKE '800_______' THEN ${rest}
          ELSE '0' || ${rest} END
        WHERE ${col} LIKE '+86_%' AND ${isNumber(col)}`.execute(trx);
    }
  });
}

export async function down(): Promise<void> {}
