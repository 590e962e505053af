import { sql, type Kysely } from 'kysely';
import { atomically } from './helpers.ts';

/**
 * When the personal data of a case's customer was erased (SPEC 10, modules/privacy): null while it
 * is kept. Set on every case of the customer by the erasure that rewrites those rows anyway, so
 * that a write to the case (reply, reopen, file, reclassification...) finds it on the row it locks
 * and is refused (cases module, mutateCase) without another query, and without a stale read of
 * the customer row beside the lock. Cases of customers erased before this migration get their
 * customer's time. Not indexed: read only with the row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await atomically(db, async (d) => {
    await d.schema.alterTable('cases').addColumn('erased_at', 'bigint').execute();
    await sql`UPDATE cases SET erased_at = (SELECT c.erased_at FROM customers c WHERE c.id = cases.customer_id)
      WHERE customer_id IN (SELECT id FROM customers WHERE erased_at IS NOT NULL)`.execute(d);
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('erased_at').execute();
}
