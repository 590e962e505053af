import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import type { CaseDetail, CaseView } from '../../src/core/modules/cases/index.ts';
import { SEARCH_WALK } from '../../src/core/modules/cases/case.queries.ts';
import { migrations } from '../../src/core/db/migrate.ts';
import { createCustomer } from '../../src/core/modules/customers/index.ts';
import { createUser } from '../../src/core/modules/users/index.ts';
import { systemActor } from '../../src/core/shared/actor.ts';
import type { ManualClock } from '../../src/core/shared/clock.ts';
import { DIALECTS } from '../helpers/db.ts';
import { makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const MAX_ATTACHMENT = 64 * 1024;

interface ErrorJson {
  error: { code: string; message: string; details?: unknown };
}
interface Page {
  items: CaseView[];
  nextCursor: string | null;
}
const err = (r: LightMyRequestResponse) => (r.json() as ErrorJson).error;
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe.each(DIALECTS)('case lifecycle through the API on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  let cat: Record<string, string>;
  let portalCustomerId: string;
  const PORTAL = 'portal.user@example.com';

  beforeAll(async () => {
    // the case record alone, without other modules' hooks; a small attachment limit to test it cheaply
    t = await makeTestApp(dialect, { caseHooks: [], config: { maxAttachmentBytes: MAX_ATTACHMENT } });
    clock = t.clock as ManualClock;
    const sys = systemActor('test');
    portalCustomerId = (await createCustomer(t.ctx, { name: '门户客户 Portal Co', email: PORTAL }, sys)).id;
    await createUser(t.ctx, { email: PORTAL, name: '门户用户', role: 'customer', customerId: portalCustomerId, password: TEST_PASSWORD }, sys);
    const cats = (await t.as('agent', 'GET', '/api/v1/categories')).json() as Array<{ id: string; code: string }>;
    cat = Object.fromEntries(cats.map((c) => [c.code, c.id]));
  });
  afterAll(async () => t?.close());

  let seq = 0;
  const base = (over: Record<string, unknown> = {}) => ({
    channel: 'email',
    contact: { name: '王先生', email: `customer${++seq}@example.com` },
    subject: '一般咨询',
    description: '想了解一下会员权益',
    ...over,
  });
  const create = async (who: string, body: unknown): Promise<CaseView> => {
    const r = await t.as(who, 'POST', '/api/v1/cases', body);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as CaseView;
  };
  const detail = async (who: string, id: string): Promise<CaseDetail> => {
    const r = await t.as(who, 'GET', `/api/v1/cases/${id}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as CaseDetail;
  };
  const act = (who: string, id: string, action: string, body: unknown = {}) => t.as(who, 'POST', `/api/v1/cases/${id}/${action}`, body);
  const ok = async (who: string, id: string, action: string, body: unknown = {}): Promise<CaseView> => {
    const r = await act(who, id, action, body);
    expect(r.statusCode, `${action}: ${r.body}`).toBe(200);
    return r.json() as CaseView;
  };
  const list = async (who: string, query: string): Promise<Page> => {
    const r = await t.as(who, 'GET', `/api/v1/cases?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as Page;
  };
  const userId = (k: string) => t.seed.users[k]!.id;

  it('records a complete case from every channel: contact, request (诉求), attachments, who received it, acknowledgement', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);
    for (const channel of ['email', 'phone', 'chat', 'social', 'walk_in', 'import', 'api'] as const) {
      const receivedAt = channel === 'import' ? clock.now() - 3 * DAY : undefined; // an offline record from Friday
      const c = await create('agent', {
        channel,
        contact: { name: '林女士', email: `Lin.${channel}@Example.com`, phone: '+86 139 0000 1111' },
        subject: `空调故障（${channel}）`,
        description: '家里的空调开了一个小时还是不制冷',
        request: '希望尽快上门维修',
        ...(receivedAt ? { receivedAt } : {}),
        ...(channel === 'social' ? { externalRef: 'weibo:4711' } : {}),
        attachments: [{ filename: '空调 照片.png', contentType: 'image/png', contentBase64: png.toString('base64') }],
      });
      expect(c).toMatchObject({
        channel,
        contact: { name: '林女士', email: `lin.${channel}@example.com`, phone: '13900001111' }, // normalised, as the customer's
        request: '希望尽快上门维修',
        receivedBy: userId('agent'),
        receivedAt: receivedAt ?? clock.now(),
        status: 'new',
        type: 'service_request',
        language: 'zh',
        externalRef: channel === 'social' ? 'weibo:4711' : null,
      });
      expect(c.number).toMatch(channel === 'import' ? /^SL-20261120-\d{4}$/ : /^SL-20261123-\d{4}$/);
      expect(c.customerId).not.toBeNull();

      const d = await detail('agent', c.id);
      expect(d.timeline.map((e) => e.type)).toEqual(['created', 'classified', 'acknowledged']);
      expect(d.timeline[0]).toMatchObject({ visibility: 'public', body: '家里的空调开了一个小时还是不制冷', actorId: userId('agent') });
      expect(d.timeline[0]!.data).toMatchObject({ channel, request: '希望尽快上门维修', subject: `空调故障（${channel}）` });
      expect(d.timeline[2]).toMatchObject({ visibility: 'public', actorKind: 'system', actorId: null });
      expect(d.attachments).toEqual([expect.objectContaining({ filename: '空调 照片.png', contentType: 'image/png', size: png.length })]);
      const file = await t.as('agent', 'GET', `/api/v1/cases/${c.id}/attachments/${d.attachments[0]!.id}`);
      expect(file.statusCode).toBe(200);
      expect(file.rawPayload.equals(png)).toBe(true);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('空调 照片.png')}`);
      const mail = await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', c.id).execute();
      expect(mail.map((m) => JSON.parse(m.payload) as { to: string; template: string; vars: { number: string } })).toEqual([
        expect.objectContaining({ to: `lin.${channel}@example.com`, template: 'case_acknowledged', vars: expect.objectContaining({ number: c.number }) }),
      ]);
    }
    // the web portal: the customer's own account, nobody on our side received it
    const web = await create(PORTAL, { channel: 'web', contact: { name: '门户用户', email: PORTAL }, subject: '网站下单失败', description: '支付页面一直转圈', request: '帮我确认订单是否成功' });
    expect(web).toMatchObject({ channel: 'web', customerId: portalCustomerId, request: '帮我确认订单是否成功' });
    // who received it is a staff-only field (the customer's answer leaves it out: SPEC 10): staff see it is nobody
    expect(web).not.toHaveProperty('receivedBy');
    expect(((await t.as('agent', 'GET', `/api/v1/cases/${(web as { id: string }).id}`)).json() as { case: CaseView }).case.receivedBy).toBeNull();
  });

  it('stores a broken UTF-16 character (a lone surrogate) as U+FFFD instead of failing the intake', async () => {
    // JSON.parse lets "\ud800" through: SQLite stored it as bytes that are not UTF-8, PostgreSQL refuses it inside JSON
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: { cookie: await t.cookie('agent'), 'content-type': 'application/json' },
      payload: `{"channel":"email","contact":{"name":"\\ud800王","email":"surrogate@example.com"},"subject":"坏字符\\udfff","description":"\\ud83d\\ude00 ok \\ud83d"}`,
    });
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json() as CaseView;
    const row = await t.ctx.db.selectFrom('cases').select(['subject', 'description', 'contact_name']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ subject: '坏字符\uFFFD', description: '\u{1F600} ok \uFFFD', contact_name: '\uFFFD王' });
  });

  it('stores a NUL character as U+FFFD and searches past one (PostgreSQL text cannot hold it)', async () => {
    const cookie = await t.cookie('agent');
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: { cookie, 'content-type': 'application/json' },
      payload: `{"channel":"email","contact":{"name":"零\\u0000字","email":"nul@example.com"},"subject":"空字符\\u0000","description":"a\\u0000b","request":"\\u0000"}`,
    });
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json() as CaseView;
    const row = await t.ctx.db.selectFrom('cases').select(['subject', 'description', 'contact_name', 'request']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ subject: '空字符\uFFFD', description: 'a\uFFFDb', contact_name: '零\uFFFD字', request: '\uFFFD' });
    const found = await t.app.inject({ method: 'GET', url: `/api/v1/cases?q=${encodeURIComponent('空字符\u0000')}`, headers: { cookie } });
    expect(found.statusCode, found.body).toBe(200);
    expect((found.json() as { items: CaseView[] }).items.map((x) => x.id)).toContain(c.id);
    const note = await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/notes`, headers: { cookie, 'content-type': 'application/json' }, payload: '{"body":"内部\\u0000备注"}' });
    expect(note.statusCode, note.body).toBeLessThan(300);
    for (const url of ['/api/v1/cases/%00', `/api/v1/cases/${c.id}%00`, '/api/v1/customers/%00'])
      expect((await t.app.inject({ method: 'GET', url, headers: { cookie } })).statusCode, url).toBeOneOf([400, 404]);
  });

  it('refuses a body that is not JSON, is empty or poisons the prototype, with a code and nothing stored', async () => {
    const before = (await t.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
    const post = async (payload: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { cookie: await t.cookie('agent'), 'content-type': 'application/json' }, payload });
    for (const payload of ['{"channel":"email",', '', '{"__proto__":{"x":1},"channel":"email"}']) {
      const r = await post(payload);
      expect(r.statusCode, payload).toBe(400);
      expect((r.json() as { error: { code: string; message: string } }).error.code, payload).toBe(payload.includes('__proto__') ? 'forbidden_json_key' : 'invalid_json');
    }
    expect((await t.ctx.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n).toEqual(before);
  });

  it('lists with filters and pages by keyset: no duplicates, nothing missing, a stable order', async () => {
    const made: CaseView[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) clock.advance(MIN); // groups of three share a receivedAt: the id breaks the tie
      made.push(
        await create(i % 2 ? 'agent' : 'agent2', {
          channel: i % 2 ? 'chat' : 'email',
          contact: { name: '翻页客户', email: 'pager@example.com' },
          subject: `第${i}个问题`,
          description: '分页测试',
          type: i % 5 === 0 ? 'suggestion' : 'inquiry',
          impact: (i % 3) + 1,
          urgency: 2,
        }),
      );
    }
    const customerId = made[0]!.customerId!;
    expect(new Set(made.map((c) => c.customerId))).toEqual(new Set([customerId]));
    const newestFirst = (cs: CaseView[]) => [...cs].sort((a, b) => b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : -1)).map((c) => c.id);

    const pageAll = async (query: string, between?: () => Promise<unknown>) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const p = await list('supervisor', `customerId=${customerId}&limit=7${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(p.items.length).toBeLessThanOrEqual(7);
        ids.push(...p.items.map((c) => c.id));
        cursor = p.nextCursor;
        if (pages++ === 0 && between) await between();
      } while (cursor && pages < 20);
      return { ids, pages };
    };
    const desc = await pageAll('');
    expect(desc.pages).toBe(5);
    expect(desc.ids).toEqual(newestFirst(made));
    const asc = await pageAll('&sort=receivedAt');
    expect(asc.ids).toEqual(newestFirst(made).reverse());
    // a case arriving while someone pages does not shift the pages they have not read yet
    let late: CaseView | undefined;
    const during = await pageAll('', async () => {
      clock.advance(MIN);
      late = await create('agent', { channel: 'chat', contact: { name: '翻页客户', email: 'pager@example.com' }, subject: '翻页时新到', description: '分页测试' });
    });
    expect(during.ids).toEqual(newestFirst(made));
    expect((await list('supervisor', `customerId=${customerId}&limit=1`)).items[0]!.id).toBe(late!.id);
    const all = [...made, late!];

    const filtered = async (query: string, expected: CaseView[]) => {
      const got = await pageAll(query);
      expect({ query, ids: got.ids }).toEqual({ query, ids: newestFirst(expected) });
    };
    await filtered('&channel=chat', all.filter((c) => c.channel === 'chat'));
    await filtered('&type=suggestion', all.filter((c) => c.type === 'suggestion'));
    await filtered('&channel=email&type=suggestion', all.filter((c) => c.channel === 'email' && c.type === 'suggestion'));
    await filtered('&priority=P2,P4', all.filter((c) => c.priority === 'P2' || c.priority === 'P4'));
    const from = made[9]!.receivedAt;
    const to = made[21]!.receivedAt;
    await filtered(`&receivedFrom=${from}&receivedTo=${to}`, all.filter((c) => c.receivedAt >= from && c.receivedAt < to));
    expect(all.filter((c) => c.priority === 'P2').length).toBeGreaterThan(0);

    const taken = [made[4]!, made[11]!, made[27]!];
    clock.advance(MIN);
    for (const c of taken) await ok('agent', c.id, 'take');
    const mine = await list('agent', `customerId=${customerId}&assigneeId=me&limit=50`);
    expect(mine.items.map((c) => c.id).sort()).toEqual(taken.map((c) => c.id).sort());
    await filtered('&status=open', taken);
    await filtered('&assigneeId=none', all.filter((c) => !taken.includes(c)));
    const recent = await list('supervisor', `customerId=${customerId}&sort=-updatedAt&limit=3`);
    expect(recent.items.map((c) => c.id).sort()).toEqual(taken.map((c) => c.id).sort());
    const byUpdate = await pageAll('&sort=-updatedAt');
    expect(new Set(byUpdate.ids).size).toBe(all.length);
    expect(byUpdate.ids.length).toBe(all.length);

    const badStatus = await t.as('agent', 'GET', '/api/v1/cases?status=bogus');
    expect(badStatus.statusCode).toBe(400);
    expect(err(badStatus).code).toBe('validation_failed');
    const badCursor = await t.as('agent', 'GET', '/api/v1/cases?cursor=not-a-cursor');
    expect(badCursor.statusCode).toBe(400);
    expect(err(badCursor).code).toBe('invalid_cursor');
  });

  it('finds cases by Chinese words, single characters, mixed Chinese/English and English', async () => {
    const who = { name: '搜索客户', email: 'search@example.com' };
    const refund = await create('agent', { channel: 'email', contact: who, subject: '申请退款', description: '订单退款一直没有到账' });
    const phone = await create('agent', { channel: 'email', contact: who, subject: 'iPhone退货', description: '我的iPhone屏幕坏了，想退货' });
    const english = await create('agent', { channel: 'email', contact: who, subject: 'Refund request', description: 'Please refund my order, the parcel arrived damaged' });
    const invoice = await create('agent', { channel: 'email', contact: who, subject: '发票问题', description: '需要重新开具发票' });
    const flat = await create('agent', { channel: 'email', contact: who, subject: 'Water leak', description: 'A栋 3号楼 B座 leaking' });
    const customerId = refund.customerId!;
    const search = async (q: string) =>
      (await list('agent', `customerId=${customerId}&limit=50&q=${encodeURIComponent(q)}`)).items.map((c) => c.number).sort();
    const nums = (...cs: CaseView[]) => cs.map((c) => c.number).sort();

    expect(await search('退款')).toEqual(nums(refund));
    expect(await search('退')).toEqual(nums(refund, phone));
    expect(await search('款')).toEqual(nums(refund));
    // one character anywhere in a run: first, inside, last (indexed on its own), a run of one
    expect(await search('订')).toEqual(nums(refund));
    expect(await search('直')).toEqual(nums(refund));
    expect(await search('账')).toEqual(nums(refund));
    expect(await search('货')).toEqual(nums(phone));
    expect(await search('栋')).toEqual(nums(flat));
    expect(await search('座')).toEqual(nums(flat));
    expect(await search('号楼')).toEqual(nums(flat));
    expect(await search('楼')).toEqual(nums(flat));
    expect(await search('号')).toEqual(nums(flat));
    expect(await search('票 退')).toEqual([]);
    expect(await search('退 货')).toEqual(nums(phone));
    expect(await search('鱼')).toEqual([]);
    expect(await search('到账')).toEqual(nums(refund));
    expect(await search('开具发票')).toEqual(nums(invoice));
    expect(await search('发票开具')).toEqual([]); // a phrase, not a bag of characters
    expect(await search('iPhone')).toEqual(nums(phone));
    expect(await search('iphone退货')).toEqual(nums(phone));
    expect(await search('屏幕 iPhone')).toEqual(nums(phone));
    expect(await search('iPhone退款')).toEqual([]);
    expect(await search('refund')).toEqual(nums(english));
    expect(await search('REFUND parcel')).toEqual(nums(english));
    expect(await search('parcel damaged')).toEqual(nums(english));
    expect(await search('refund 退款')).toEqual([]);
    expect(await search('search@example.com')).toEqual(nums(refund, phone, english, invoice, flat));
    expect(await search(invoice.number)).toEqual(nums(invoice));
    expect(await search('!!!')).toEqual([]);
    // and without any other filter
    const everywhere = await list('supervisor', `q=${encodeURIComponent('重新开具')}&limit=50`);
    expect(everywhere.items.map((c) => c.id)).toEqual([invoice.id]);
  });

  it('still finds by one character the cases indexed when every character was indexed on its own', async () => {
    const c = await create('agent', base({ subject: '旧索引', description: 'old index' }));
    // the entry as written before 2026-12-05: every character of a run also on its own
    if (dialect === 'postgres')
      await sql`UPDATE case_search SET tsv = ${"'漏水':1 '水维':2 '维修':3 '漏' '水' '维' '修'"}::tsvector WHERE case_id = ${c.id}`.execute(t.ctx.db);
    else
      await sql`INSERT OR REPLACE INTO case_fts(rowid, seq, uni) SELECT rowid, ${'漏水 水维 维修'}, ${'漏 水 维 修'} FROM cases WHERE id = ${c.id}`.execute(t.ctx.db);
    const found = async (q: string) => (await list('agent', `customerId=${c.customerId}&q=${encodeURIComponent(q)}`)).items.map((x) => x.id);
    for (const q of ['漏', '水', '维', '修', '维修', '漏水 修']) expect(await found(q), q).toEqual([c.id]);
    expect(await found('旧')).toEqual([]);
  });

  it('pages through search results in list order, however many the walk in order finds', async () => {
    const who = { name: '王先生', email: 'late@example.com' };
    const made: CaseView[] = [];
    for (let i = 0; i < 24; i++) {
      clock.advance(MIN);
      // matches clustered at the newest end, then sparse: the walk finds some, the index the rest
      const hit = i >= 16 || i % 5 === 0;
      made.push(await create('agent', { channel: 'phone', contact: who, subject: hit ? `快递延误第${i}天` : `咨询${i}`, description: hit ? 'parcel delivery late' : '其他问题' }));
    }
    const customerId = made[0]!.customerId!;
    const hits = made.filter((c) => c.subject.startsWith('快递延误'));
    const pageAll = async (q: string, sort: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      do {
        const p: Page = await list('agent', `customerId=${customerId}&limit=4&sort=${sort}&q=${encodeURIComponent(q)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        out.push(...p.items.map((c) => c.number));
        cursor = p.nextCursor;
      } while (cursor);
      return out;
    };
    const saved = { ...SEARCH_WALK };
    try {
      for (const walk of [{ chunk: 3, chunks: 2 }, { chunk: 100, chunks: 1 }, { chunk: 1, chunks: 1 }, { chunk: 3, chunks: 2, maxMatches: 2 }, { chunk: 10, chunks: 4, minChunk: 1 }]) {
        Object.assign(SEARCH_WALK, walk);
        for (const q of ['延误', 'delivery late'])
          for (const [sort, desc] of [['-receivedAt', true], ['receivedAt', false]] as const) {
            const want = (desc ? [...hits].reverse() : hits).map((c) => c.number);
            expect(await pageAll(q, sort)).toEqual(want);
          }
        expect(await pageAll('冰雹', '-receivedAt')).toEqual([]);
      }
    } finally {
      Object.assign(SEARCH_WALK, saved);
    }
  });

  it('puts a case entered late for an earlier call where the list puts it, in search results too', { timeout: 90_000 }, async () => {
    const who = { name: '赵女士', email: 'backdated@example.com' };
    const made: CaseView[] = [];
    for (let i = 0; i < 6; i++) {
      clock.advance(10 * MIN);
      made.push(await create('agent', { channel: 'phone', contact: who, subject: `热水器漏水第${i}次`, description: 'water heater leak' }));
    }
    const customerId = made[0]!.customerId!;
    clock.advance(10 * MIN);
    // entered now for calls taken earlier, in the order they were taken: before all, between the
    // first two, and at the very millisecond of the fourth (the list breaks that tie by id)
    for (const receivedAt of [made[0]!.receivedAt - DAY, made[0]!.receivedAt + 5 * MIN, made[3]!.receivedAt])
      made.push(await create('agent', { channel: 'phone', contact: who, subject: '热水器漏水补录', description: 'water heater leak, logged late', receivedAt }));
    clock.advance(MIN);
    made.push(await create('agent', { channel: 'phone', contact: who, subject: '热水器漏水回访', description: 'water heater leak again' }));
    const listOrder = [...made].sort((a, b) => b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : -1)).map((c) => c.number);
    const unfiltered: string[] = [];
    let cursor: string | null = null;
    do {
      const p: Page = await list('agent', `customerId=${customerId}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      unfiltered.push(...p.items.map((c) => c.number));
      cursor = p.nextCursor;
    } while (cursor);
    expect(unfiltered).toEqual(listOrder);
    const searchesInListOrder = async () => {
      const saved = { ...SEARCH_WALK };
      try {
        // SQLite walks the matches a step at a time: one at a time, so the bound decides each stop
        for (const walk of [{ lateSlack: 8, chunk: 2000 }, { lateSlack: 0, chunk: 1, minChunk: 1 }, { lateSlack: 1, chunk: 3, minChunk: 1, maxMatches: 2 }]) {
          Object.assign(SEARCH_WALK, walk);
          await searchesInListOrderOnce();
        }
      } finally {
        Object.assign(SEARCH_WALK, saved);
      }
    };
    const pages = async (query: string) => {
      const found: string[] = [];
      let next: string | null = null;
      do {
        const p: Page = await list('agent', `customerId=${customerId}&${query}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
        found.push(...p.items.map((c) => c.number));
        next = p.nextCursor;
      } while (next);
      return found;
    };
    // the other orders a list has, worked out by the list itself (every case here matches)
    const listed = { receivedAt: await pages('limit=50&sort=receivedAt'), '-updatedAt': await pages('limit=50&sort=-updatedAt') };
    expect(listed.receivedAt).toEqual([...listOrder].reverse());
    const searchesInListOrderOnce = async () => {
      for (const limit of [1, 2, 3, 10])
        for (const q of ['漏水', 'water heater', '热水器漏水']) {
          expect(await pages(`limit=${limit}&q=${encodeURIComponent(q)}`), `${q}, ${limit} a page`).toEqual(listOrder);
          for (const sort of ['receivedAt', '-updatedAt'] as const)
            expect(await pages(`limit=${limit}&sort=${sort}&q=${encodeURIComponent(q)}`), `${q} by ${sort}, ${limit} a page`).toEqual(listed[sort]);
        }
    };
    await searchesInListOrder();
    if (dialect === 'sqlite') {
      // the bound the walk stops by: the latest received time of every case recorded up to each row
      const boundsHold = async () => {
        const rows = await sql<{ received_at: number; received_max: number }>`SELECT received_at, received_max FROM cases ORDER BY rowid`.execute(t.ctx.db);
        let latest = 0;
        for (const r of rows.rows) expect(r.received_max).toBe((latest = Math.max(latest, r.received_at)));
      };
      await boundsHold();
      // a database from before the bound: the migration works it out from the rows there
      const migrator = new Migrator({ db: t.ctx.db, provider: { getMigrations: async () => migrations } });
      expect((await migrator.migrateTo('2026_12_05_1000_contact_customers')).error).toBeUndefined();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      await boundsHold();
      await searchesInListOrder();
      // a bound is only as good as the received times under it: they cannot be changed afterwards
      await expect(sql`UPDATE cases SET received_at = received_at - 1 WHERE id = ${made[0]!.id}`.execute(t.ctx.db)).rejects.toThrow(
        'cases.received_at cannot change once recorded',
      );
      await sql`UPDATE cases SET received_at = received_at, subject = subject WHERE id = ${made[0]!.id}`.execute(t.ctx.db);
    }
    const late = await list('agent', `customerId=${customerId}&limit=3&q=${encodeURIComponent('补录')}`);
    expect(late.items.map((c) => c.number)).toEqual(listOrder.filter((n) => made.find((c) => c.number === n)!.subject === '热水器漏水补录'));
  });

  it('sets the first response only by a public reply from staff; internal notes stay internal', async () => {
    const c = await create('agent', {
      channel: 'web',
      customerId: portalCustomerId,
      contact: { name: '门户用户', email: PORTAL },
      subject: '会员积分没有到账',
      description: '上周消费的积分还没到账',
    });
    expect(c.firstResponseAt).toBeNull(); // the acknowledgement is not a response
    clock.advance(10 * MIN);
    expect((await ok('agent', c.id, 'notes', { body: '内部备注：积分系统昨晚有故障' })).firstResponseAt).toBeNull();
    const customerReply = await ok(PORTAL, c.id, 'replies', { body: '请尽快处理' });
    expect(customerReply.firstResponseAt).toBeNull();
    expect(customerReply.status).toBe('new');
    clock.advance(5 * MIN);
    const repliedAt = clock.now();
    const first = await ok('agent2', c.id, 'replies', { body: '您好，积分将在24小时内补发。' });
    expect(first).toMatchObject({ firstResponseAt: repliedAt, ownerId: userId('agent2'), status: 'open' });
    clock.advance(5 * MIN);
    expect((await ok('agent2', c.id, 'replies', { body: '已补发，请查收。' })).firstResponseAt).toBe(repliedAt);

    const mine = await detail(PORTAL, c.id);
    expect(mine.timeline.map((e) => e.type)).toEqual(['created', 'acknowledged', 'customer_reply', 'reply', 'reply']);
    expect(JSON.stringify(mine)).not.toContain('内部备注');
    const staff = await detail('agent', c.id);
    expect(staff.timeline.find((e) => e.type === 'note')).toMatchObject({ visibility: 'internal', body: '内部备注：积分系统昨晚有故障', actorId: userId('agent') });
    // an inspector may annotate but not answer the customer
    expect((await act('inspector', c.id, 'notes', { body: '质检：回复及时' })).statusCode).toBe(200);
    expect((await act('inspector', c.id, 'replies', { body: 'hello' })).statusCode).toBe(403);
  });

  it('reclassifies with a recorded reason; priority follows impact x urgency', async () => {
    const c = await create('agent', base({ subject: '咨询发票', description: '请问如何开发票', impact: 3, urgency: 3 }));
    expect(c.priority).toBe('P4');
    const r = await ok('agent', c.id, 'classify', { impact: 1, urgency: 2, categoryId: cat.billing, reason: '影响企业客户的月结' });
    expect(r).toMatchObject({ impact: 1, urgency: 2, priority: 'P2', categoryId: cat.billing });
    const ev = (await detail('agent', c.id)).timeline.filter((e) => e.type === 'reclassified');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ visibility: 'internal', body: '影响企业客户的月结', actorId: userId('agent') });
    expect(ev[0]!.data).toEqual({
      before: { impact: 3, urgency: 3, priority: 'P4', category_id: null },
      after: { impact: 1, urgency: 2, priority: 'P2', category_id: cat.billing },
    });
    for (const [impact, urgency, priority] of [[1, 1, 'P1'], [2, 2, 'P3'], [3, 1, 'P3'], [2, 3, 'P4'], [1, 3, 'P3']] as const)
      expect((await ok('agent', c.id, 'classify', { impact, urgency, reason: '复核' })).priority).toBe(priority);
    const noReason = await act('agent', c.id, 'classify', { impact: 2 });
    expect(noReason.statusCode).toBe(400);
    expect(err(noReason).details).toEqual([expect.objectContaining({ path: 'body.reason' })]);
    const same = await act('agent', c.id, 'classify', { impact: 1, urgency: 3, reason: '没有变化' });
    expect(same.statusCode).toBe(422);
    expect(err(same).code).toBe('no_change');
    const upgraded = await ok('supervisor', c.id, 'classify', { type: 'complaint', complaintGrade: 'important', reason: '客户第二次来电，升级为投诉' });
    expect(upgraded).toMatchObject({ type: 'complaint', complaintGrade: 'important' });
    expect((await act('inspector', c.id, 'classify', { impact: 2, reason: 'x' })).statusCode).toBe(403);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('target_id', '=', c.id).where('action', '=', 'case.classify').execute();
    expect(audit).toHaveLength(7);
  });

  it('keeps first-contact ownership (首问负责) until a documented hand-over', async () => {
    const c = await create('agent', base({ subject: '快递一直没送到', description: '物流显示已签收但我没收到' }));
    const taken = await ok('agent', c.id, 'take');
    expect(taken).toMatchObject({ ownerId: userId('agent'), assigneeId: userId('agent'), status: 'open', teamId: t.seed.teams.frontline });
    const second = await act('agent2', c.id, 'take');
    expect(second.statusCode).toBe(409);
    expect(err(second)).toMatchObject({ code: 'case_owned', details: { ownerId: userId('agent') } });

    const noNote = await act('agent', c.id, 'transfer', { toUserId: userId('agent2') });
    expect(noNote.statusCode).toBe(400);
    expect(err(noNote).code).toBe('validation_failed');
    expect(err(noNote).details).toEqual([expect.objectContaining({ path: 'body.handoverNote' })]);
    expect((await act('agent', c.id, 'transfer', { toUserId: userId('agent2'), handoverNote: '太短' })).statusCode).toBe(400);
    const notOwner = await act('agent2', c.id, 'transfer', { toUserId: userId('agent2'), handoverNote: '我想接手这个案子，客户是我的老客户' });
    expect(notOwner.statusCode).toBe(403);

    const note = '客户要求改约周三上午回电，已核实物流单号 SF123，需联系站点';
    const moved = await ok('agent', c.id, 'transfer', { toUserId: userId('agent2'), handoverNote: note });
    expect(moved).toMatchObject({ ownerId: userId('agent2'), assigneeId: userId('agent2'), transferCount: 0 });
    const ho = (await detail('agent2', c.id)).timeline.filter((e) => e.type === 'handed_over');
    expect(ho).toHaveLength(1);
    expect(ho[0]).toMatchObject({ body: note, actorId: userId('agent') });
    expect(ho[0]!.data).toMatchObject({ fromOwnerId: userId('agent'), toOwnerId: userId('agent2') });
    expect(err(await act('agent', c.id, 'take')).code).toBe('case_owned');

    const toTeam = await ok('supervisor', c.id, 'transfer', { toTeamId: t.seed.teams.aftersales, handoverNote: '需要售后站点上门核实，转售后组' });
    expect(toTeam).toMatchObject({ ownerId: null, teamId: t.seed.teams.aftersales, transferCount: 1 });
    expect((await ok('tech', c.id, 'take')).ownerId).toBe(userId('tech'));

    // two agents grabbing the same new case at once: one owns it, the other is told so
    const race = await create('agent', base({ subject: '抢单测试', description: '两位客服同时接单' }));
    const [a, b] = await Promise.all([act('agent', race.id, 'take'), act('agent2', race.id, 'take')]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const winner = a.statusCode === 200 ? 'agent' : 'agent2';
    const final = await detail('supervisor', race.id);
    expect(final.case.ownerId).toBe(userId(winner));
    expect(final.timeline.filter((e) => e.type === 'taken')).toHaveLength(1);
  });

  it('refuses illegal status transitions with 409 illegal_transition', async () => {
    const c = await create('agent', base());
    await ok('agent', c.id, 'take');
    expect((await ok('agent', c.id, 'status', { status: 'pending_customer', note: '等客户提供订单号' })).status).toBe('pending_customer');
    expect((await ok('agent', c.id, 'status', { status: 'open' })).status).toBe('open');
    await ok('agent', c.id, 'resolve', { cause: '客户不了解流程', solution: '已发送操作指引' });
    const back = await act('agent', c.id, 'status', { status: 'open' });
    expect(back.statusCode).toBe(409);
    expect(err(back)).toMatchObject({ code: 'illegal_transition', details: { from: 'resolved', to: 'open' } });
    expect(err(await act('agent', c.id, 'resolve', { cause: 'x', solution: 'y' })).code).toBe('illegal_transition');

    const fresh = await create('agent', base());
    expect(err(await act('agent', fresh.id, 'confirm')).code).toBe('illegal_transition');
    expect(err(await act('agent', fresh.id, 'reopen', { reason: '再看看' })).code).toBe('illegal_transition');
    const unresolved = await act('agent', fresh.id, 'close', { reason: 'solved' });
    expect(unresolved.statusCode).toBe(422);
    expect(err(unresolved).code).toBe('resolve_first');
    expect((await ok('agent', fresh.id, 'close', { reason: 'spam', note: '广告' })).status).toBe('closed');
    expect(err(await act('agent', fresh.id, 'status', { status: 'open' })).code).toBe('illegal_transition');
    expect(err(await act('agent', fresh.id, 'replies', { body: '您好' })).code).toBe('case_closed');
    expect(err(await act('agent', fresh.id, 'take')).code).toBe('case_closed');
    expect((await detail('agent', fresh.id)).case.status).toBe('closed');
  });

  it('resolves with cause and solution; the customer confirms, or reopens it by replying', async () => {
    const mk = () =>
      create('agent', { channel: 'phone', customerId: portalCustomerId, contact: { name: '门户用户', email: PORTAL }, subject: '积分补发', description: '积分没有到账' });
    const c = await mk();
    await ok('agent', c.id, 'take');
    clock.advance(MIN);
    const resolved = await ok('agent', c.id, 'resolve', { cause: '积分同步任务失败', solution: '已手工补发积分 300 分', compensation: '赠送 100 积分' });
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedAt: clock.now(),
      resolution: { cause: '积分同步任务失败', solution: '已手工补发积分 300 分', compensation: '赠送 100 积分', correctiveAction: null },
    });
    const seen = await detail(PORTAL, c.id);
    expect(seen.timeline.find((e) => e.type === 'resolved')).toMatchObject({ body: '已手工补发积分 300 分', data: expect.objectContaining({ cause: '积分同步任务失败' }) });
    const mail = await t.ctx.db.selectFrom('outbox').select('payload').where('case_id', '=', c.id).execute();
    expect(mail.map((m) => (JSON.parse(m.payload) as { template: string }).template)).toContain('case_resolved');
    clock.advance(MIN);
    const closed = await ok(PORTAL, c.id, 'confirm', { comment: '收到，谢谢' });
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'solved', closedAt: clock.now() });
    expect((await detail(PORTAL, c.id)).timeline.at(-1)).toMatchObject({ type: 'confirmed', body: '收到，谢谢', actorKind: 'customer' });

    const c2 = await mk();
    await ok('agent', c2.id, 'take');
    await ok('agent', c2.id, 'resolve', { cause: '同步延迟', solution: '已补发' });
    clock.advance(MIN);
    const reopened = await ok(PORTAL, c2.id, 'replies', { body: '积分还是没到' });
    expect(reopened).toMatchObject({ status: 'reopened', reopenCount: 1, resolvedAt: null, closedAt: null });
    expect((await detail(PORTAL, c2.id)).timeline.slice(-2).map((e) => e.type)).toEqual(['customer_reply', 'reopened']);
    expect((await ok('agent', c2.id, 'replies', { body: '抱歉，我们再查一下' })).status).toBe('open');

    // a reply to a closed case reopens it too
    expect(await ok(PORTAL, c.id, 'replies', { body: '又出现同样的问题' })).toMatchObject({ status: 'reopened', reopenCount: 1 });
  });

  it('detects a repeat complaint (same customer, same issue, 180 days), links it, and demands a corrective action', async () => {
    const customer = (await t.as('agent', 'POST', '/api/v1/customers', { name: '赵先生', phone: '13700000000' })).json() as { id: string };
    const complaint = (over: Record<string, unknown>) =>
      create('agent', { channel: 'phone', customerId: customer.id, contact: { name: '赵先生', phone: '13700000000' }, type: 'complaint', subject: '账单多扣费', description: '账单里多扣了50元', ...over });
    const first = await complaint({ categoryId: cat.billing, receivedAt: clock.now() - 10 * DAY });
    expect(first).toMatchObject({ isRepeat: false, complaintGrade: 'general' });
    expect((await complaint({ categoryId: cat.delivery })).isRepeat).toBe(false); // another issue
    const inquiry = await create('agent', { channel: 'phone', customerId: customer.id, contact: { name: '赵先生' }, type: 'inquiry', categoryId: cat.billing, subject: '账单咨询', description: '问一下' });
    expect(inquiry.isRepeat).toBe(false); // not a complaint
    const second = await complaint({ categoryId: cat.billing });
    expect(second).toMatchObject({ isRepeat: true, repeatOfId: first.id });
    expect((await detail('agent', second.id)).timeline.find((e) => e.type === 'repeat_detected')?.data).toMatchObject({ earlierCaseId: first.id, earlierNumber: first.number });
    expect((await detail('agent', first.id)).timeline.find((e) => e.type === 'repeat_linked')?.data).toMatchObject({ caseId: second.id, number: second.number });
    const third = await complaint({ categoryId: cat.billing });
    expect(third).toMatchObject({ isRepeat: true, repeatOfId: first.id });
    // outside the window it is a new complaint
    await complaint({ categoryId: cat.product, receivedAt: clock.now() - 200 * DAY });
    expect((await complaint({ categoryId: cat.product })).isRepeat).toBe(false);
    const repeats = await list('supervisor', `customerId=${customer.id}&isRepeat=true`);
    expect(repeats.items.map((c) => c.id).sort()).toEqual([second.id, third.id].sort());

    await ok('agent', second.id, 'take');
    const bare = await act('agent', second.id, 'resolve', { cause: '计费规则错误', solution: '已退还 50 元' });
    expect(bare.statusCode).toBe(422);
    expect(err(bare).code).toBe('corrective_action_required');
    expect((await detail('agent', second.id)).case.status).toBe('open');
    const done = await ok('agent', second.id, 'resolve', { cause: '计费规则错误', solution: '已退还 50 元', correctiveAction: '修复计费规则并全量核对本月账单' });
    expect(done.resolution.correctiveAction).toBe('修复计费规则并全量核对本月账单');
  });

  it('keeps urgent complaints for managers and important ones for supervisors', async () => {
    const urgent = await create('agent', base({ type: 'complaint', complaintGrade: 'urgent', subject: '产品质量投诉', description: '新买的电热水壶漏电' }));
    expect(urgent.complaintGrade).toBe('urgent');
    const auto = await create('agent', base({ subject: '再不处理我就向媒体曝光', description: '你们的产品把我家孩子烫伤了，我要投诉' }));
    expect(auto).toMatchObject({ type: 'complaint', complaintGrade: 'urgent', urgency: 1 });

    const byAgent = await act('agent', urgent.id, 'take');
    expect(byAgent.statusCode).toBe(403);
    expect(err(byAgent).code).toBe('insufficient_authority');
    expect(err(await act('agent', urgent.id, 'replies', { body: '您好' })).code).toBe('insufficient_authority');
    expect(err(await act('supervisor', urgent.id, 'take')).code).toBe('insufficient_authority');
    expect(err(await act('supervisor', urgent.id, 'assign', { assigneeId: userId('agent') })).code).toBe('insufficient_authority');
    const d = await detail('supervisor', urgent.id);
    expect(d.case).toMatchObject({ ownerId: null, firstResponseAt: null, status: 'new' });
    expect(d.timeline.map((e) => e.type)).toEqual(['created', 'classified', 'acknowledged']); // the refused reply left nothing
    expect((await ok('manager', urgent.id, 'take')).ownerId).toBe(userId('manager'));

    const important = await create('agent', base({ type: 'complaint', complaintGrade: 'important', subject: '退款太慢', description: '申请退款两周了' }));
    expect(err(await act('agent', important.id, 'take')).code).toBe('insufficient_authority');
    expect((await ok('supervisor', important.id, 'take')).ownerId).toBe(userId('supervisor'));
  });

  it('restricts a sensitive case to its handlers and leads', async () => {
    const s = await create('supervisor', {
      channel: 'phone',
      contact: { name: '匿名客户', email: 'private@example.com' },
      subject: '员工泄露了我的身份证信息',
      description: '营业厅员工把我的身份证复印件发到了群里',
    });
    expect(s.sensitive).toBe(true); // flagged by the rules, never refused
    const visible = async (who: string) => (await list(who, `customerId=${s.customerId}&limit=50`)).items.map((c) => c.id);
    for (const who of ['agent', 'agent2', 'inspector']) {
      const r = await t.as(who, 'GET', `/api/v1/cases/${s.id}`);
      expect({ who, status: r.statusCode, code: err(r).code }).toEqual({ who, status: 403, code: 'case_restricted' });
      expect(await visible(who)).toEqual([]);
    }
    expect((await list('agent', `q=${encodeURIComponent('身份证')}&limit=50`)).items.map((c) => c.id)).not.toContain(s.id);
    expect(err(await act('agent', s.id, 'take')).code).toBe('case_restricted');
    expect(await visible('manager')).toEqual([s.id]);

    await ok('supervisor', s.id, 'assign', { assigneeId: userId('agent') });
    expect((await detail('agent', s.id)).case.ownerId).toBe(userId('agent'));
    expect(await visible('agent')).toEqual([s.id]);
    expect(await visible('agent2')).toEqual([]);
    expect((await t.as('agent2', 'GET', `/api/v1/cases/${s.id}`)).statusCode).toBe(403);
    expect((await t.as('agent2', 'GET', `/api/v1/cases/by-number/${s.number}`)).statusCode).toBe(403);

    const flagged = await create('agent', base({ subject: '普通咨询', description: '关于账户', sensitive: true }));
    expect(flagged.sensitive).toBe(true);
    // the agent who logged it can still open it; a colleague cannot
    expect((await t.as('agent', 'GET', `/api/v1/cases/${flagged.id}`)).statusCode).toBe(200);
    expect((await t.as('agent2', 'GET', `/api/v1/cases/${flagged.id}`)).statusCode).toBe(403);
  });

  it('stores customer-supplied HTML only after sanitising it', async () => {
    const html =
      '<p onclick="steal()">你好<b>世界</b></p><script>alert(1)</script><img src=x onerror="alert(2)">' +
      '<a href="javascript:alert(3)">坏链接</a><a href="https://example.com/help">帮助</a><iframe src="https://evil.example"></iframe>' +
      '<a href="https://example.com/x" rel="opener" target="_top">x</a>';
    const c = await create(PORTAL, { channel: 'web', contact: { name: '门户用户' }, subject: '带格式的描述', description: '你好世界', descriptionHtml: html });
    const created = (await detail('agent', c.id)).timeline[0]!;
    const stored = (created.data as { bodyHtml: string }).bodyHtml;
    for (const bad of ['<script', 'alert(', 'onerror', 'onclick', 'javascript:', '<img', '<iframe']) expect(stored).not.toContain(bad);
    expect(stored).toContain('<b>世界</b>');
    expect(stored).toContain('href="https://example.com/help"');
    expect(stored).toContain('<a href="https://example.com/help" rel="noopener noreferrer nofollow" target="_blank">帮助</a>');
    expect(stored).toContain('<a href="https://example.com/x" rel="noopener noreferrer nofollow" target="_blank">x</a>'); // the sender's rel/target do not survive
    await ok(PORTAL, c.id, 'replies', { body: '补充', bodyHtml: '<p>补充</p><svg onload="alert(4)"></svg>' });
    const reply = (await detail('agent', c.id)).timeline.find((e) => e.type === 'customer_reply')!;
    expect((reply.data as { bodyHtml: string }).bodyHtml).toBe('<p>补充</p>');
  });

  it('rejects invalid input with a clear error', async () => {
    const before = Number((await t.ctx.db.selectFrom('cases').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const unknown = await t.as('agent', 'POST', '/api/v1/cases', { ...base(), priority: 'P1' });
    expect(unknown.statusCode).toBe(400);
    expect(err(unknown).code).toBe('validation_failed');
    expect(err(unknown).details).toEqual([expect.objectContaining({ path: 'body', code: 'unrecognized_keys', keys: ['priority'] })]);

    const long = await t.as('agent', 'POST', '/api/v1/cases', base({ subject: '长'.repeat(301) }));
    expect(long.statusCode).toBe(400);
    expect(err(long).details).toEqual([expect.objectContaining({ path: 'body.subject', code: 'too_big' })]);
    expect((await t.as('agent', 'POST', '/api/v1/cases', base({ description: 'x'.repeat(20_001) }))).statusCode).toBe(400);
    const email = await t.as('agent', 'POST', '/api/v1/cases', base({ contact: { name: 'x', email: 'not-an-email' } }));
    expect(err(email).details).toEqual([expect.objectContaining({ path: 'body.contact.email' })]);
    const notBase64 = await t.as('agent', 'POST', '/api/v1/cases', base({ attachments: [{ filename: 'a.txt', contentType: 'text/plain', contentBase64: '<<>>' }] }));
    expect(notBase64.statusCode).toBe(400);

    const big = Buffer.alloc(MAX_ATTACHMENT + 1, 1);
    const tooBig = await t.as('agent', 'POST', '/api/v1/cases', base({ attachments: [{ filename: 'big.bin', contentType: 'application/octet-stream', contentBase64: b64(big) }] }));
    expect(tooBig.statusCode).toBe(413);
    expect(err(tooBig).code).toBe('attachment_too_large');
    const c = await create('agent', base());
    const attachTooBig = await act('agent', c.id, 'attachments', { filename: 'big.bin', contentType: 'application/octet-stream', contentBase64: b64(big) });
    expect(attachTooBig.statusCode).toBe(413);
    const hugeBody = await act('agent', c.id, 'notes', { body: 'x'.repeat(1024 * 1024 + 10) });
    expect(hugeBody.statusCode).toBe(413);
    expect(err(hugeBody).code).toBe('payload_too_large');

    const badJson = await t.as('agent', 'POST', '/api/v1/cases', '{"channel": "web",', { 'content-type': 'application/json' });
    expect(badJson.statusCode).toBe(400);
    expect(err(badJson).code).toBe('invalid_json');
    const wrongType = await t.as('agent', 'POST', '/api/v1/cases', 'channel=web', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.statusCode).toBe(415);
    expect(err(wrongType).code).toBe('unsupported_media_type');
    const future = await t.as('agent', 'POST', '/api/v1/cases', base({ receivedAt: clock.now() + DAY }));
    expect(future.statusCode).toBe(422);
    expect(err(future).code).toBe('received_in_future');
    const after = Number((await t.ctx.db.selectFrom('cases').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    expect(after).toBe(before + 1); // only the one valid case
    expect((await detail('agent', c.id)).attachments).toEqual([]);
  });

  it('leaves nothing half-written when an intake fails, and consumes no case number', async () => {
    const counts = async () => {
      const n = async (table: 'cases' | 'case_events' | 'customers' | 'audit_log' | 'outbox' | 'case_attachments' | 'case_search') => {
        if (table === 'case_search' && dialect === 'sqlite') return Number((await sql<{ n: number }>`SELECT count(*) AS n FROM case_fts`.execute(t.ctx.db)).rows[0]!.n);
        return Number((await t.ctx.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
      };
      return {
        cases: await n('cases'),
        events: await n('case_events'),
        customers: await n('customers'),
        audit: await n('audit_log'),
        outbox: await n('outbox'),
        attachments: await n('case_attachments'),
        search: await n('case_search'),
        counters: await t.ctx.db.selectFrom('case_number_counters').selectAll().orderBy('day').execute(),
      };
    };
    const ghost = (over: Record<string, unknown>) => ({
      channel: 'email',
      contact: { name: '新客户', email: 'ghost@example.com', phone: '13600000000' },
      subject: '第一次来信',
      description: '新客户的第一封邮件',
      attachments: [{ filename: 'a.txt', contentType: 'text/plain', contentBase64: b64('hello') }],
      ...over,
    });
    const last = await create('agent', base());
    const lastSeq = Number(last.number.slice(-4));
    const before = await counts();
    for (const [over, code] of [
      [{ categoryId: randomUUID() }, 'category_not_found'],
      [{ teamId: randomUUID() }, 'team_not_found'],
      [{ customerId: randomUUID() }, 'customer_not_found'],
    ] as const) {
      const r = await t.as('agent', 'POST', '/api/v1/cases', ghost(over));
      expect({ status: r.statusCode, code: err(r).code }).toEqual({ status: 404, code });
    }
    expect(await counts()).toEqual(before);
    expect(await t.ctx.db.selectFrom('customers').select('id').where('email', '=', 'ghost@example.com').execute()).toEqual([]);
    const next = await create('agent', ghost({}));
    expect(next.number).toBe(`${last.number.slice(0, -4)}${String(lastSeq + 1).padStart(4, '0')}`);
    const after = await counts();
    expect(after.cases).toBe(before.cases + 1);
    expect(after.customers).toBe(before.customers + 1);
    expect(after.attachments).toBe(before.attachments + 1);
  });
});

describe.each(DIALECTS)('login and sessions on %s', (dialect) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { caseHooks: [] });
    clock = t.clock as ManualClock;
  });
  afterAll(async () => t?.close());

  const loginAs = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
  const cookieOf = (r: LightMyRequestResponse) => `sl_session=${r.cookies.find((c) => c.name === 'sl_session')!.value}`;

  it('takes as long to refuse an unknown email as a wrong password (timing does not tell which emails exist)', { timeout: 60_000 }, async () => {
    // a real scrypt cost, so the password check dominates the time of a login
    const slow = await makeTestApp(dialect, { caseHooks: [], config: { scryptCost: 2 ** 14 } });
    try {
      const timed = async (email: string) => {
        const t0 = performance.now();
        const r = await slow.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'not-the-password' } });
        expect(r.statusCode).toBe(401);
        return performance.now() - t0;
      };
      await timed('nobody-0@example.com'); // the decoy hash is made on first use
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const unknown: number[] = [];
      const known: number[] = [];
      for (let i = 0; i < 3; i++) {
        unknown.push(await timed(`nobody-${i + 1}@example.com`));
        known.push(await timed(slow.seed.users.agent2!.email));
      }
      // without the decoy an unknown email took ~1/20 of the time
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
    } finally {
      await slow.close();
    }
  });

  it('refuses a wrong password with 401 and locks the account on the sixth failure with 429', async () => {
    const email = t.seed.users.tech!.email;
    for (let i = 1; i <= 5; i++) {
      const r = await loginAs(email, `wrong-${i}`);
      expect({ i, status: r.statusCode, code: err(r).code }).toEqual({ i, status: 401, code: 'invalid_credentials' });
      expect(r.cookies.find((c) => c.name === 'sl_session')).toBeUndefined();
    }
    const sixth = await loginAs(email, TEST_PASSWORD); // even the right password, while locked
    expect(sixth.statusCode).toBe(429);
    expect(err(sixth).code).toBe('too_many_attempts');
    expect((await loginAs(t.seed.users.agent2!.email, TEST_PASSWORD)).statusCode).toBe(200); // other accounts are unaffected
    const unknown = await loginAs('nobody@example.com', TEST_PASSWORD);
    expect(unknown.statusCode).toBe(401);
    expect(err(unknown).message).toBe(err(await loginAs(t.seed.users.agent2!.email, 'wrong')).message); // no account enumeration
    clock.advance(15 * MIN + 1);
    expect((await loginAs(email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('expires a session after 12 hours without use; use keeps it alive', async () => {
    const login = await loginAs(t.seed.users.agent!.email, TEST_PASSWORD);
    expect(login.statusCode).toBe(200);
    const cookie = cookieOf(login);
    expect((login.json() as { expiresAt: number }).expiresAt).toBe(clock.now() + 12 * 3600_000);
    expect((await me(cookie)).statusCode).toBe(200);
    clock.advance(6 * 3600_000);
    expect((await me(cookie)).statusCode).toBe(200); // slides the expiry
    clock.advance(11 * 3600_000); // 17 h after login, 11 h after last use
    expect((await me(cookie)).statusCode).toBe(200);
    clock.advance(12 * 3600_000 + 1);
    const expired = await me(cookie);
    expect(expired.statusCode).toBe(401);
    expect(err(expired).code).toBe('unauthenticated');
  });

  it('ends the session on logout', async () => {
    const login = await loginAs(t.seed.users.supervisor!.email, TEST_PASSWORD);
    const cookie = cookieOf(login);
    expect((await me(cookie)).statusCode).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(200);
    expect(out.cookies.find((c) => c.name === 'sl_session')?.value).toBe('');
    expect((await me(cookie)).statusCode).toBe(401);
    const row = await t.ctx.db.selectFrom('audit_log').select(['actor_id']).where('action', '=', 'auth.logout').execute();
    expect(row).toEqual([{ actor_id: t.seed.users.supervisor!.id }]);
  });
});
