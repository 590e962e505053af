import type { PublicArticle, PublicArticlePage } from '../../core/modules/knowledge/index.ts';

/** The public FAQ (知识库 / 常见问题, SPEC 9): server-rendered, no login, no script. */
export type HelpLang = 'zh' | 'en';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const T = {
  zh: {
    title: '帮助中心',
    intro: '常见问题解答：退款、发票、保修维修、配送与账户。找不到答案？请登录客户门户或致电客服提交问题。',
    search: '搜索问题',
    placeholder: '例如：退款、发票、保修',
    results: (n: number) => `共 ${n} 篇`,
    none: '没有找到相关文章，换个词试试。',
    back: '返回帮助中心',
    updated: '更新于',
    helpful: '这篇文章对您有帮助吗？',
    yes: '有帮助',
    no: '没有帮助',
    thanks: '感谢您的反馈！',
    counts: (y: number, n: number) => `${y} 人认为有帮助，${n} 人认为没有帮助`,
    notFound: '文章不存在或已下线。',
    switch: 'English',
    more: '下一页',
    prev: '上一页',
    commitments: '服务质量承诺',
    home: '首页',
    portal: '客户门户：提交和查看我的问题',
  },
  en: {
    title: 'Help centre',
    intro: 'Answers to common questions: refunds, invoices, warranty repair, delivery and accounts. Cannot find yours? Log in to the customer portal or call us.',
    search: 'Search',
    placeholder: 'e.g. refund, invoice, warranty',
    results: (n: number) => `${n} article${n === 1 ? '' : 's'}`,
    none: 'No article found; try other words.',
    back: 'Back to the help centre',
    updated: 'Updated',
    helpful: 'Was this article helpful?',
    yes: 'Yes',
    no: 'No',
    thanks: 'Thank you for your feedback!',
    counts: (y: number, n: number) => `${y} found it helpful, ${n} did not`,
    notFound: 'This article does not exist or is no longer published.',
    switch: '中文',
    more: 'Next page',
    prev: 'Previous page',
    commitments: 'Our service commitments',
    home: 'Home',
    portal: 'Customer portal: submit and follow your requests',
  },
};

/** Plain text to paragraphs: a blank line between paragraphs, a line break within one. Escaped: no HTML of the writer's is ever rendered. */
export const paragraphs = (body: string): string =>
  body
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${p.split(/\r?\n/).map(esc).join('<br>')}</p>`)
    .join('\n');

const shell = (lang: HelpLang, title: string, switchHref: string, content: string) => {
  const t = T[lang];
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · ServiceLoop</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;background:#f5f7fa;color:#1f2329}
main{max-width:860px;margin:0 auto;padding:32px 20px}
h1{font-size:28px;margin:0 0 8px}h2{font-size:18px;margin:0 0 6px}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:16px 20px;margin:12px 0}
a{color:#1677ff;text-decoration:none}.muted{color:#8f959e;font-size:13px}p{line-height:1.75}
a.switch{float:right}form.search{display:flex;gap:8px;margin:16px 0}form.search input{flex:1;padding:8px 10px;font-size:16px;border:1px solid #d0d3d6;border-radius:6px}
button{padding:8px 16px;border:1px solid #1677ff;background:#1677ff;color:#fff;border-radius:6px;font-size:15px;cursor:pointer}
button.no{background:#fff;color:#1677ff}.tag{display:inline-block;background:#eef3ff;color:#3563c9;border-radius:4px;padding:0 6px;margin-right:4px;font-size:12px}
nav.foot{margin-top:24px}nav.foot a{margin-right:16px}.vote form{display:inline}
</style></head><body><main>
<a class="switch" href="${esc(switchHref)}">${t.switch}</a>
${content}
<nav class="foot"><a href="/">${t.home}</a><a class="portal" href="/app/portal">${t.portal}</a><a href="/commitments?lang=${lang}">${t.commitments}</a></nav>
</main></body></html>`;
};

export function renderHelpIndex(page: PublicArticlePage, opts: { lang: HelpLang; q: string }): string {
  const { lang, q } = opts;
  const t = T[lang];
  const qs = (over: Record<string, string | number>) => `?${new URLSearchParams({ lang, ...(q ? { q } : {}), ...Object.fromEntries(Object.entries(over).map(([k, v]) => [k, String(v)])) })}`;
  const items = page.items
    .map(
      (a) => `<article class="card" data-article-id="${esc(a.id)}"><h2><a href="/help/articles/${encodeURIComponent(a.id)}?lang=${lang}">${esc(a.title)}</a></h2>
<div>${a.tags.map((x) => `<span class="tag">${esc(x)}</span>`).join('')}</div><p class="muted">${esc(a.excerpt)}</p></article>`,
    )
    .join('\n');
  const prev = page.offset > 0 ? `<a href="${esc(qs({ offset: Math.max(0, page.offset - page.limit) }))}">${t.prev}</a> ` : '';
  const next = page.offset + page.items.length < page.total ? `<a href="${esc(qs({ offset: page.offset + page.limit }))}">${t.more}</a>` : '';
  const content = `<h1>${t.title}</h1><p class="muted">${t.intro}</p>
<form class="search" method="get" action="/help"><input type="hidden" name="lang" value="${lang}"><input type="search" name="q" value="${esc(q)}" placeholder="${esc(t.placeholder)}" aria-label="${esc(t.search)}"><button type="submit">${t.search}</button></form>
<p class="muted results">${t.results(page.total)}</p>
${items || `<p class="card none">${t.none}</p>`}
<p>${prev}${next}</p>`;
  return shell(lang, t.title, `/help${qs({ lang: lang === 'zh' ? 'en' : 'zh' })}`, content);
}

export function renderHelpArticle(a: PublicArticle | null, opts: { lang: HelpLang; voted: boolean }): string {
  const { lang, voted } = opts;
  const t = T[lang];
  const other = lang === 'zh' ? 'en' : 'zh';
  if (!a) return shell(lang, t.title, `/help?lang=${other}`, `<h1>${t.title}</h1><p class="card">${t.notFound}</p><p><a href="/help?lang=${lang}">${t.back}</a></p>`);
  const when = new Date(a.updatedAt).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai' });
  const action = `/help/articles/${encodeURIComponent(a.id)}/vote`;
  const vote = voted
    ? `<p class="thanks">${t.thanks}</p>`
    : `<p>${t.helpful}</p><form method="post" action="${action}"><input type="hidden" name="lang" value="${lang}"><input type="hidden" name="helpful" value="yes"><button type="submit" name="vote" value="yes">${t.yes}</button></form>
<form method="post" action="${action}"><input type="hidden" name="lang" value="${lang}"><input type="hidden" name="helpful" value="no"><button type="submit" class="no" name="vote" value="no">${t.no}</button></form>`;
  const content = `<p><a href="/help?lang=${lang}">← ${t.back}</a></p>
<article class="card" data-article-id="${esc(a.id)}"><h1>${esc(a.title)}</h1>
<div>${a.tags.map((x) => `<span class="tag">${esc(x)}</span>`).join('')}</div>
<div class="body">${paragraphs(a.body)}</div>
<p class="muted">${t.updated} ${esc(when)}</p></article>
<div class="card vote">${vote}<p class="muted counts">${t.counts(a.helpfulYes, a.helpfulNo)}</p></div>`;
  return shell(lang, a.title, `/help/articles/${encodeURIComponent(a.id)}?lang=${other}`, content);
}
