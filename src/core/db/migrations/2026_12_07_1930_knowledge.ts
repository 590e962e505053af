import { sql, type Kysely } from 'kysely';
import { isPg } from './helpers.ts';

/**
 * SPEC 9, knowledge base / FAQ (knowledge/article.table.ts): articles, their tags, every saved
 * version, the cases each was used on, and a text index of title and body (CJK bigrams, as the
 * cases': PostgreSQL tsvector columns with GIN indexes, SQLite an FTS5 table keyed by rowid).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kb_articles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.references('categories.id'))
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('updated_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('published_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('helpful_yes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('helpful_no', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('use_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // lists: by status and audience (the public FAQ: published + public), newest first
  await db.schema.createIndex('kb_articles_status_audience_updated').on('kb_articles').columns(['status', 'audience', 'updated_at', 'id']).execute();
  await db.schema.createIndex('kb_articles_category').on('kb_articles').columns(['category_id', 'status']).execute();

  await db.schema
    .createTable('kb_article_tags')
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('kb_article_tags_pk', ['article_id', 'tag'])
    .execute();
  await db.schema.createIndex('kb_article_tags_tag').on('kb_article_tags').columns(['tag', 'article_id']).execute();

  await db.schema
    .createTable('kb_article_revisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('saved_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('saved_at', 'bigint', (c) => c.notNull())
    .addColumn('restored_from', 'integer')
    .addUniqueConstraint('kb_article_revisions_version', ['article_id', 'version'])
    .execute();

  await db.schema
    .createTable('kb_article_uses')
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('used_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('used_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('kb_article_uses_pk', ['article_id', 'case_id'])
    .execute();
  // a case's suggestions show which were used on it
  await db.schema.createIndex('kb_article_uses_case').on('kb_article_uses').columns(['case_id', 'article_id']).execute();

  if (isPg(db)) {
    await db.schema
      .createTable('kb_article_search')
      .addColumn('article_id', 'text', (c) => c.primaryKey().references('kb_articles.id'))
      .addColumn('title_tsv', sql`tsvector`, (c) => c.notNull())
      .addColumn('body_tsv', sql`tsvector`, (c) => c.notNull())
      .execute();
    await sql`CREATE INDEX kb_article_search_title ON kb_article_search USING gin (title_tsv)`.execute(db);
    await sql`CREATE INDEX kb_article_search_body ON kb_article_search USING gin (body_tsv)`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE kb_article_fts USING fts5(title_seq, title_uni, body_seq, body_uni, content='', contentless_delete=1,
      tokenize='unicode61 remove_diacritics 0')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPg(db)) await db.schema.dropTable('kb_article_search').execute();
  else await sql`DROP TABLE kb_article_fts`.execute(db);
  for (const t of ['kb_article_uses', 'kb_article_revisions', 'kb_article_tags', 'kb_articles']) await db.schema.dropTable(t).execute();
}
