import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticlePage, ArticleUse, ArticleView, PublicArticlePage, RevisionView, SuggestedArticle } from '../../src/core/modules/knowledge/index.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { createUser, createApiToken } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

interface TimelineEvent {
  type: string;
  visibility: 'public' | 'internal';
  actorId: string | null;
  data: Record<string, unknown> | null;
}

// SPEC 9: knowledge base / FAQ: articles agents and customers can search; suggested while answering.
describe.each(DIALECTS)('knowledge base on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let cat: Record<string, string>;
  let portalBearer: string;
  /** The articles of the search tests (see "publishes" below for their texts). */
  const A: Record<string, ArticleView> = {};

  beforeAll(async () => {
    t = await makeTestApp(dialect, { useTokens: true });
    clock = t.clock as ManualClock;
    cat = Object.fromEntries((await t.ctx.db.selectFrom('categories').select(['id', 'code']).execute()).map((c) => [c.code, c.id]));
    const sys = systemActor('test');
    const customer = await createCustomer(t.ctx, { name: '客户甲', email: 'portal-kb@example.com' }, sys);
    const u = await createUser(t.ctx, { email: 'portal-kb@example.com', name: 'Portal', role: 'customer', customerId: customer.id, password: TEST_PASSWORD }, sys);
    portalBearer = `Bearer ${(await createApiToken(t.ctx, u.id, 'test', null, sys)).token}`;
  });
  afterAll(async () => t?.close());

  const code = (r: { json: () => unknown }) => (r.json() as { error?: { code: string } }).error?.code;
  const anonymous = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body as object }) });
  const create = async (who: string, body: Record<string, unknown>) => {
    const r = await t.as(who, 'POST', '/api/v1/knowledge/articles', { language: 'zh-CN', audience: 'public', ...body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as ArticleView;
  };
  const publish = async (id: string, who = 'supervisor') => {
    const r = await t.as(who, 'POST', `/api/v1/knowledge/articles/${id}/publish`, {});
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ArticleView;
  };
  const list = async (who: string, query: string) => {
    const r = await t.as(who, 'GET', `/api/v1/knowledge/articles?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ArticlePage;
  };
  const titles = (p: { items: Array<{ title: string }> }) => p.items.map((x) => x.title);

  it('lets agents write drafts, leads publish, and keeps every saved version to show and restore', async () => {
    const draft = await create('agent', { title: '测试文章', body: '第一版', tags: ['测试', ' 测试 ', 'Test'] });
    expect(draft).toMatchObject({ status: 'draft', version: 1, authorId: t.seed.users.agent!.id, tags: ['Test', '测试'], useCount: 0 });
    // another agent works on the same draft; a save from a stale version is refused
    const v2 = await t.as('agent2', 'PUT', `/api/v1/knowledge/articles/${draft.id}`, { title: '测试文章', body: '第二版', language: 'zh-CN', audience: 'public', baseVersion: 1 });
    expect(v2.statusCode, v2.body).toBe(200);
    expect(v2.json()).toMatchObject({ version: 2, body: '第二版', updatedBy: t.seed.users.agent2!.id, authorId: t.seed.users.agent!.id });
    const stale = await t.as('agent', 'PUT', `/api/v1/knowledge/articles/${draft.id}`, { title: '测试文章', body: '我的版本', language: 'zh-CN', audience: 'public', baseVersion: 1 });
    expect([stale.statusCode, code(stale)]).toEqual([409, 'article_version_conflict']);
    // a draft is the writers' only: an inspector (reads, does not write) does not find it
    expect([(await t.as('inspector', 'GET', `/api/v1/knowledge/articles/${draft.id}`)).statusCode]).toEqual([404]);
    expect((await list('inspector', 'status=draft')).items.map((x) => x.id)).not.toContain(draft.id);
    expect((await list('agent', 'status=draft')).items.map((x) => x.id)).toContain(draft.id);
    // agents do not publish (the permission); a lead does
    for (const who of ['agent', 'inspector', 'tech']) {
      const r = await t.as(who, 'POST', `/api/v1/knowledge/articles/${draft.id}/publish`, {});
      expect([who, r.statusCode, code(r)]).toEqual([who, 403, 'forbidden']);
    }
    clock.advance(60_000);
    const published = await publish(draft.id);
    expect(published).toMatchObject({ status: 'published', publishedAt: clock.now(), version: 2 });
    const again = await t.as('admin', 'POST', `/api/v1/knowledge/articles/${draft.id}/publish`, {});
    expect([again.statusCode, code(again)]).toEqual([409, 'article_already_published']);
    expect((await t.as('inspector', 'GET', `/api/v1/knowledge/articles/${draft.id}`)).statusCode).toBe(200);
    // what is published only a lead or admin changes
    const byAgent = await t.as('agent', 'PUT', `/api/v1/knowledge/articles/${draft.id}`, { title: '测试文章', body: '改已发布的', language: 'zh-CN', audience: 'public', baseVersion: 2 });
    expect([byAgent.statusCode, code(byAgent)]).toEqual([403, 'article_edit_needs_publisher']);
    const v3 = await t.as('supervisor', 'PUT', `/api/v1/knowledge/articles/${draft.id}`, { title: '测试文章（修订）', body: '第三版', language: 'zh-CN', audience: 'internal', tags: ['测试'], baseVersion: 2 });
    expect(v3.statusCode, v3.body).toBe(200);
    expect(v3.json()).toMatchObject({ version: 3, status: 'published', audience: 'internal', tags: ['测试'] });
    // a save that changes nothing makes no version
    const same = await t.as('supervisor', 'PUT', `/api/v1/knowledge/articles/${draft.id}`, { title: '测试文章（修订）', body: '第三版', language: 'zh-CN', audience: 'internal', tags: ['测试'], baseVersion: 3 });
    expect((same.json() as ArticleView).version).toBe(3);

    const revs = (await t.as('agent', 'GET', `/api/v1/knowledge/articles/${draft.id}/revisions`)).json() as RevisionView[];
    expect(revs.map((r) => [r.version, r.body, r.savedBy, r.current])).toEqual([
      [3, '第三版', t.seed.users.supervisor!.id, true],
      [2, '第二版', t.seed.users.agent2!.id, false],
      [1, '第一版', t.seed.users.agent!.id, false],
    ]);
    expect(revs[2]).toMatchObject({ title: '测试文章', audience: 'public', tags: ['Test', '测试'], restoredFrom: null });
    const agentRestore = await t.as('agent', 'POST', `/api/v1/knowledge/articles/${draft.id}/revisions/1/restore`, {});
    expect([agentRestore.statusCode, code(agentRestore)]).toEqual([403, 'article_edit_needs_publisher']);
    const restored = await t.as('supervisor', 'POST', `/api/v1/knowledge/articles/${draft.id}/revisions/1/restore`, {});
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ version: 4, title: '测试文章', body: '第一版', audience: 'public', tags: ['Test', '测试'], status: 'published' });
    const after = (await t.as('supervisor', 'GET', `/api/v1/knowledge/articles/${draft.id}/revisions`)).json() as RevisionView[];
    expect(after.map((r) => [r.version, r.restoredFrom, r.current])).toEqual([
      [4, 1, true],
      [3, null, false],
      [2, null, false],
      [1, null, false],
    ]);
    const current = await t.as('supervisor', 'POST', `/api/v1/knowledge/articles/${draft.id}/revisions/4/restore`, {});
    expect([current.statusCode, code(current)]).toEqual([409, 'revision_is_current']);
    const missing = await t.as('supervisor', 'POST', `/api/v1/knowledge/articles/${draft.id}/revisions/9/restore`, {});
    expect([missing.statusCode, code(missing)]).toEqual([404, 'revision_not_found']);
    // archived: out of the readers' lists; a writer finds it in the archive
    const archived = await t.as('manager', 'POST', `/api/v1/knowledge/articles/${draft.id}/archive`, {});
    expect(archived.json()).toMatchObject({ status: 'archived' });
    expect((await t.as('inspector', 'GET', `/api/v1/knowledge/articles/${draft.id}`)).statusCode).toBe(404);
    expect((await list('agent', 'q=测试')).items.map((x) => x.id)).not.toContain(draft.id);
    expect((await list('agent', 'status=archived&q=测试')).items.map((x) => x.id)).toEqual([draft.id]);

    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', draft.id).orderBy('seq').execute();
    const u = t.seed.users;
    expect(audit.map((a) => [a.action, a.actor_id])).toEqual([
      ['knowledge.create', u.agent!.id],
      ['knowledge.update', u.agent2!.id],
      ['knowledge.publish', u.supervisor!.id],
      ['knowledge.update', u.supervisor!.id],
      ['knowledge.restore', u.supervisor!.id],
      ['knowledge.archive', u.manager!.id],
    ]);
  });

  it('refuses bad input with a code, and the staff API to customers and anonymous callers', async () => {
    const noTitle = await t.as('agent', 'POST', '/api/v1/knowledge/articles', { title: '  ', body: 'x', language: 'zh-CN', audience: 'public' });
    expect([noTitle.statusCode, code(noTitle)]).toEqual([400, 'validation_failed']);
    const badLang = await t.as('agent', 'POST', '/api/v1/knowledge/articles', { title: 't', body: 'x', language: 'fr', audience: 'public' });
    expect([badLang.statusCode, code(badLang)]).toEqual([400, 'validation_failed']);
    const badCat = await t.as('agent', 'POST', '/api/v1/knowledge/articles', { title: 't', body: 'x', language: 'zh-CN', audience: 'public', categoryId: 'nope' });
    expect([badCat.statusCode, code(badCat)]).toEqual([404, 'category_not_found']);
    const unknown = await t.as('agent', 'GET', '/api/v1/knowledge/articles/nope');
    expect([unknown.statusCode, code(unknown)]).toEqual([404, 'article_not_found']);
    for (const [method, url] of [
      ['GET', '/api/v1/knowledge/articles'],
      ['POST', '/api/v1/knowledge/articles'],
    ] as const) {
      const customer = await t.app.inject({ method, url, headers: { authorization: portalBearer }, ...(method === 'POST' ? { payload: { title: 't', body: 'b', language: 'zh-CN', audience: 'public' } } : {}) });
      expect([method, url, customer.statusCode, code(customer)]).toEqual([method, url, 403, 'forbidden']);
      const nobody = await anonymous(method, url);
      expect([method, url, nobody.statusCode]).toEqual([method, url, 401]);
    }
    // an inspector reads, does not write
    const byInspector = await t.as('inspector', 'POST', '/api/v1/knowledge/articles', { title: 't', body: 'b', language: 'zh-CN', audience: 'public' });
    expect([byInspector.statusCode, code(byInspector)]).toEqual([403, 'forbidden']);
  });

  it('publishes the search set', async () => {
    // A and B: billing; C: repair and internal; D: English; E stays a draft; F is archived
    A.refund = await publish((await create('agent', { title: '退款到账时间说明', body: '退款审核通过后，款项在三个工作日内原路退回。', categoryId: cat.billing, tags: ['退款'] })).id);
    A.invoice = await publish((await create('agent', { title: '如何申请发票', body: '在订单页面申请开具发票。已退款的订单不能开具发票。', categoryId: cat.billing, tags: ['发票'] })).id);
    A.warranty = await publish((await create('tech', { title: '保修期内免费维修', body: '保修期内非人为损坏的故障免费维修，需提供购买凭证。', categoryId: cat.repair, tags: ['保修', '维修'], audience: 'internal' })).id);
    A.english = await publish((await create('agent3', { title: 'When will my refund arrive?', body: 'Refunds are returned to the original payment method within 3 working days.', language: 'en', categoryId: cat.billing, tags: ['refund'] })).id);
    A.draft = await create('agent', { title: '发票抬头修改', body: '发票开具前可修改抬头。', categoryId: cat.billing });
    A.old = await publish((await create('agent', { title: '旧版退款政策', body: '本政策已废止。', categoryId: cat.billing })).id);
    expect((await t.as('supervisor', 'POST', `/api/v1/knowledge/articles/${A.old.id}/archive`, {})).statusCode).toBe(200);
  });

  it('finds two-character Chinese words (a trigram index would not) and ranks title matches above body matches', async () => {
    // 退款: A has it in its title (3) and its body (1) = 4; B only in its body = 1; F (archived) and
    // the English D are not found. (A trigram index has no entry for a two-character word at all.)
    const refund = await list('inspector', 'q=退款');
    expect(refund.items.map((x) => [x.title, x.score])).toEqual([
      ['退款到账时间说明', 4],
      ['如何申请发票', 1],
    ]);
    expect(refund.total).toBe(2);
    // 发票: B has it in title and body (4); the draft E too, but only writers see drafts
    expect(titles(await list('inspector', 'q=发票'))).toEqual(['如何申请发票']);
    expect(titles(await list('agent', 'q=发票')).sort()).toEqual(['如何申请发票', '发票抬头修改'].sort());
    // 保修: the internal article, for staff
    expect((await list('inspector', 'q=保修')).items.map((x) => [x.title, x.audience, x.score])).toEqual([['保修期内免费维修', 'internal', 4]]);
    // two words: B has 退款 in its body (1) and 发票 in title and body (4) = 5, above A's 4 + 0
    expect((await list('inspector', `q=${encodeURIComponent('退款 发票')}`)).items.map((x) => [x.title, x.score])).toEqual([
      ['如何申请发票', 5],
      ['退款到账时间说明', 4],
    ]);
    // English words, case-folded: "refund" in D's title (3); its body has "Refunds", another word
    expect((await list('inspector', 'q=Refund')).items.map((x) => [x.title, x.score])).toEqual([['When will my refund arrive?', 3]]);
    // nothing searchable: nothing found
    expect((await list('inspector', `q=${encodeURIComponent('？！')}`)).total).toBe(0);
  });

  it('filters by category, tag, audience, status and language, and pages', async () => {
    expect(titles(await list('inspector', `categoryId=${cat.billing}`)).sort()).toEqual(['如何申请发票', '退款到账时间说明', 'When will my refund arrive?'].sort());
    expect(titles(await list('inspector', `tag=${encodeURIComponent('退款')}`))).toEqual(['退款到账时间说明']);
    expect(titles(await list('inspector', 'audience=internal'))).toEqual(['保修期内免费维修']);
    expect(titles(await list('inspector', 'language=en'))).toEqual(['When will my refund arrive?']);
    expect(titles(await list('agent', `status=archived&categoryId=${cat.billing}`))).toEqual(['旧版退款政策']);
    expect(titles(await list('agent', `status=draft&categoryId=${cat.billing}`))).toEqual(['发票抬头修改']);
    const p1 = await list('inspector', 'q=退款&limit=1');
    const p2 = await list('inspector', 'q=退款&limit=1&offset=1');
    expect([titles(p1), titles(p2), p1.total, p2.total]).toEqual([['退款到账时间说明'], ['如何申请发票'], 2, 2]);
    const tags = (await t.as('inspector', 'GET', '/api/v1/knowledge/tags')).json() as Array<{ tag: string; count: number }>;
    expect(tags.map((x) => x.tag)).toEqual(expect.arrayContaining(['退款', '发票', '保修', 'refund']));
  });

  it('suggests published articles for a case by its text and category, and records each used once, on the timeline', async () => {
    const made = await t.as('agent', 'POST', '/api/v1/cases', {
      channel: 'phone',
      contact: { name: '钱女士', phone: '13500135011' },
      subject: '退款什么时候到账',
      description: '我上周申请了退款，一直没有到账，请帮忙查询。',
      categoryId: cat.billing,
    });
    expect(made.statusCode, made.body).toBe(201);
    const caseId = (made.json() as { id: string }).id;
    // the case's bigrams found: A's title has 退款 and 到账 (3 + 3), its body 退款 (1) = 7, + billing 4 + Chinese 1 = 12;
    // B's title has 申请 (3), its body 申请 and 退款 (1 + 1) = 5, + 4 + 1 = 10; D matches no word but the category: 4.
    // C (repair) matches nothing; E (draft) and F (archived) are never suggested.
    const sug = await t.as('agent', 'GET', `/api/v1/cases/${caseId}/suggested-articles`);
    expect(sug.statusCode, sug.body).toBe(200);
    expect((sug.json() as SuggestedArticle[]).map((s) => [s.title, s.score, s.usedOnCase])).toEqual([
      ['退款到账时间说明', 12, false],
      ['如何申请发票', 10, false],
      ['When will my refund arrive?', 4, false],
    ]);
    const first = await t.as('agent', 'POST', `/api/v1/cases/${caseId}/suggested-articles/${A.refund!.id}/use`, {});
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ articleId: A.refund!.id, caseId, firstUse: true, useCount: 1, usedAt: clock.now() });
    const second = await t.as('agent2', 'POST', `/api/v1/cases/${caseId}/suggested-articles/${A.refund!.id}/use`, {});
    expect(second.json()).toMatchObject({ firstUse: false, useCount: 1 });
    const timeline = ((await t.as('agent', 'GET', `/api/v1/cases/${caseId}`)).json() as { timeline: TimelineEvent[] }).timeline.filter((e) => e.type === 'knowledge_article_used');
    expect(timeline.map((e) => [e.visibility, e.actorId, e.data?.articleId, e.data?.articleTitle])).toEqual([['internal', t.seed.users.agent!.id, A.refund!.id, '退款到账时间说明']]);
    expect(((await t.as('agent', 'GET', `/api/v1/cases/${caseId}/suggested-articles`)).json() as SuggestedArticle[])[0]).toMatchObject({ usedOnCase: true, useCount: 1 });
    expect(((await t.as('inspector', 'GET', `/api/v1/knowledge/articles/${A.refund!.id}`)).json() as ArticleView).useCount).toBe(1);
    // used on another case: counted again
    const other = await t.as('agent2', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '孙先生', phone: '13500135012' }, subject: '退款进度', description: '退款还没到', categoryId: cat.billing });
    const otherId = (other.json() as { id: string }).id;
    expect(((await t.as('agent2', 'POST', `/api/v1/cases/${otherId}/suggested-articles/${A.refund!.id}/use`, {})).json() as ArticleUse).useCount).toBe(2);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', A.refund!.id).where('action', '=', 'knowledge.use').execute();
    expect(audit.map((a) => a.actor_id)).toEqual([t.seed.users.agent!.id, t.seed.users.agent2!.id]);

    // not a draft; not by who does not answer cases; not for a customer
    const draft = await t.as('agent', 'POST', `/api/v1/cases/${caseId}/suggested-articles/${A.draft!.id}/use`, {});
    expect([draft.statusCode, code(draft)]).toEqual([409, 'article_not_published']);
    const inspector = await t.as('inspector', 'POST', `/api/v1/cases/${caseId}/suggested-articles/${A.refund!.id}/use`, {});
    expect([inspector.statusCode, code(inspector)]).toEqual([403, 'forbidden']);
    const customer = await t.app.inject({ method: 'GET', url: `/api/v1/cases/${caseId}/suggested-articles`, headers: { authorization: portalBearer } });
    expect([customer.statusCode, code(customer)]).toEqual([403, 'forbidden']);
    // a restricted case: only its handlers and leads
    const secret = await t.as('agent', 'POST', '/api/v1/cases', { channel: 'phone', contact: { name: '吴女士', phone: '13500135019' }, subject: '退款纠纷', description: '涉及隐私', sensitive: true, categoryId: cat.billing });
    const secretId = (secret.json() as { id: string }).id;
    expect((await t.as('agent', 'POST', `/api/v1/cases/${secretId}/take`, {})).statusCode).toBe(200);
    const peek = await t.as('agent2', 'GET', `/api/v1/cases/${secretId}/suggested-articles`);
    expect([peek.statusCode, code(peek)]).toEqual([403, 'case_restricted']);
    const peekUse = await t.as('agent2', 'POST', `/api/v1/cases/${secretId}/suggested-articles/${A.refund!.id}/use`, {});
    expect([peekUse.statusCode, code(peekUse)]).toEqual([403, 'case_restricted']);
    // an erased customer's case takes no more writes
    await t.ctx.db.updateTable('cases').set({ erased_at: clock.now() }).where('id', '=', otherId).execute();
    const erased = await t.as('agent2', 'POST', `/api/v1/cases/${otherId}/suggested-articles/${A.invoice!.id}/use`, {});
    expect([erased.statusCode, code(erased)]).toEqual([409, 'customer_erased']);
    expect(((await t.as('inspector', 'GET', `/api/v1/knowledge/articles/${A.invoice!.id}`)).json() as ArticleView).useCount).toBe(0);
  });

  it('serves the public FAQ without login: public published articles only, never an internal, draft or archived one', async () => {
    const all = await anonymous('GET', '/api/v1/public/articles?limit=100');
    expect(all.statusCode, all.body).toBe(200);
    const page = all.json() as PublicArticlePage;
    const ids = page.items.map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining([A.refund!.id, A.invoice!.id, A.english!.id]));
    for (const hidden of [A.warranty!, A.draft!, A.old!]) expect(ids).not.toContain(hidden.id);
    // nothing about who wrote it or its workflow
    expect(Object.keys(page.items[0]!).sort()).toEqual(['categoryId', 'excerpt', 'helpfulNo', 'helpfulYes', 'id', 'language', 'tags', 'title', 'updatedAt']);
    expect(((await anonymous('GET', `/api/v1/public/articles?q=${encodeURIComponent('退款')}`)).json() as PublicArticlePage).items.map((x) => x.title)).toEqual(['退款到账时间说明', '如何申请发票']);
    // searching for the hidden ones finds nothing
    for (const q of ['保修', '抬头', '废止']) expect(((await anonymous('GET', `/api/v1/public/articles?q=${encodeURIComponent(q)}`)).json() as PublicArticlePage).total).toBe(0);
    for (const hidden of [A.warranty!, A.draft!, A.old!]) {
      const r = await anonymous('GET', `/api/v1/public/articles/${hidden.id}`);
      expect([hidden.title, r.statusCode, code(r)]).toEqual([hidden.title, 404, 'article_not_found']);
      const html = await anonymous('GET', `/help/articles/${hidden.id}`);
      expect([hidden.title, html.statusCode, html.body.includes(hidden.title)]).toEqual([hidden.title, 404, false]);
    }
    const one = await anonymous('GET', `/api/v1/public/articles/${A.refund!.id}`);
    expect(one.json()).toMatchObject({ title: '退款到账时间说明', body: '退款审核通过后，款项在三个工作日内原路退回。' });
    expect(one.json()).not.toHaveProperty('authorId');

    // the server-rendered pages, in Chinese and English, linked from the home page
    expect((await anonymous('GET', '/')).body).toContain('href="/help"');
    const zh = await anonymous('GET', '/help');
    expect(zh.statusCode).toBe(200);
    expect(zh.headers['content-type']).toContain('text/html');
    expect(zh.body).toContain('帮助中心');
    expect(zh.body).toContain('退款到账时间说明');
    expect(zh.body).not.toContain('保修期内免费维修');
    expect(zh.body).not.toContain('When will my refund arrive?'); // the Chinese page lists the Chinese articles
    // a customer who finds no answer goes on to the customer portal
    expect(zh.body).toContain('<a class="portal" href="/app/portal">客户门户');
    const en = await anonymous('GET', '/help?lang=en');
    expect(en.body).toContain('Help centre');
    expect(en.body).toContain('<a class="portal" href="/app/portal">Customer portal');
    expect(en.body).toContain('When will my refund arrive?');
    const search = await anonymous('GET', `/help?q=${encodeURIComponent('发票')}`);
    expect(search.body).toContain('如何申请发票');
    expect(search.body).not.toContain('退款到账时间说明');
    expect((await anonymous('GET', `/help?q=${encodeURIComponent('保修')}`)).body).toContain('没有找到相关文章');
    const article = await anonymous('GET', `/help/articles/${A.refund!.id}?lang=en`);
    expect(article.statusCode).toBe(200);
    expect(article.body).toContain('<p>退款审核通过后，款项在三个工作日内原路退回。</p>');
    expect(article.body).toContain('Was this article helpful?');
  });

  it('renders a writer\'s text as text, never as HTML', async () => {
    const x = await publish((await create('agent', { title: '<script>alert(1)</script>发票', body: '第一段 <b>粗</b>\n第二行\n\n第二段' })).id);
    const html = await anonymous('GET', `/help/articles/${x.id}`);
    expect(html.body).not.toContain('<script>alert(1)</script>');
    expect(html.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;发票');
    expect(html.body).toContain('<p>第一段 &lt;b&gt;粗&lt;/b&gt;<br>第二行</p>\n<p>第二段</p>');
    expect((await t.as('supervisor', 'POST', `/api/v1/knowledge/articles/${x.id}/archive`, {})).statusCode).toBe(200);
  });

  it('counts "was this helpful?" votes on public articles only, keeping nothing about the voter', async () => {
    const yes = await anonymous('POST', `/api/v1/public/articles/${A.invoice!.id}/votes`, { helpful: true });
    expect(yes.statusCode, yes.body).toBe(200);
    expect(yes.json()).toEqual({ helpfulYes: 1, helpfulNo: 0 });
    expect((await anonymous('POST', `/api/v1/public/articles/${A.invoice!.id}/votes`, { helpful: false })).json()).toEqual({ helpfulYes: 1, helpfulNo: 1 });
    for (const hidden of [A.warranty!, A.draft!, A.old!]) {
      const r = await anonymous('POST', `/api/v1/public/articles/${hidden.id}/votes`, { helpful: true });
      expect([hidden.title, r.statusCode, code(r)]).toEqual([hidden.title, 404, 'article_not_found']);
    }
    const bad = await anonymous('POST', `/api/v1/public/articles/${A.invoice!.id}/votes`, { helpful: 'very' });
    expect([bad.statusCode, code(bad)]).toEqual([400, 'validation_failed']);
    // the page's form: a redirect back to the article, which thanks the reader
    const form = await anonymous('POST', `/help/articles/${A.invoice!.id}/vote`, 'helpful=yes&lang=en', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.statusCode, form.body).toBe(303);
    expect(form.headers.location).toBe(`/help/articles/${A.invoice!.id}?lang=en&voted=1`);
    const thanked = await anonymous('GET', form.headers.location as string);
    expect(thanked.body).toContain('Thank you for your feedback!');
    expect(thanked.body).toContain('2 found it helpful, 1 did not');
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id', 'ip', 'after']).where('target_id', '=', A.invoice!.id).where('action', '=', 'knowledge.vote').execute();
    expect(audit.map((a) => [a.actor_id, a.ip])).toEqual([
      ['anonymous', null],
      ['anonymous', null],
      ['anonymous', null],
    ]);
  });

  it('limits the rate of public votes per client', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) codes.push((await anonymous('POST', `/api/v1/public/articles/${A.english!.id}/votes`, { helpful: true })).statusCode);
    // this client called the route 6 times before (2 votes, 3 on hidden articles, 1 invalid: counted
    // before it is read), so 14 more of the 20 a minute pass, then every call is refused
    expect(codes).toEqual([...Array(14).fill(200), ...Array(11).fill(429)]);
    const limited = await anonymous('POST', `/api/v1/public/articles/${A.english!.id}/votes`, { helpful: true });
    expect([limited.statusCode, code(limited)]).toEqual([429, 'rate_limited']);
  });
});
