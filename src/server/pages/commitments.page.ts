import type { PublicCommitments } from '../../core/modules/commitments/index.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const T = {
  zh: {
    title: '服务质量承诺',
    intro: '我们公开承诺以下服务时限，并如实公布兑现情况（实事求是）。工作时间为周一至周五 09:00–12:00、13:30–18:00（北京时间），法定节假日及调休按国家规定执行；P1 紧急事件 7x24 小时处理。“N 个工作日内”自受理次日起算，至第 N 个工作日下班时止。',
    commitments: '我们的承诺',
    applies: '适用范围',
    kept: '兑现情况',
    target: '承诺事项',
    d30: '近 30 天',
    d90: '近 90 天',
    share: '按时兑现率',
    median: '中位用时（工作分钟）',
    none: '暂无数据',
    switch: 'English',
    updated: '数据更新时间',
  },
  en: {
    title: 'Our service commitments',
    intro: 'We publish the service times we commit to and how well we kept them. Business hours are Monday to Friday 09:00–12:00 and 13:30–18:00 (China Standard Time), following the official public holidays and make-up working days; P1 incidents are handled 7x24. "Within N working days" starts the day after we receive your request and ends at the close of business on the Nth working day.',
    commitments: 'What we commit to',
    applies: 'Applies to',
    kept: 'How well we kept them',
    target: 'Commitment',
    d30: 'Last 30 days',
    d90: 'Last 90 days',
    share: 'Kept on time',
    median: 'Median (business minutes)',
    none: 'no data yet',
    switch: '中文',
    updated: 'Figures as of',
  },
};

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

/** The public commitment page (公开透明): server-rendered, no login, no script. */
export function renderCommitmentsPage(p: PublicCommitments, lang: 'zh' | 'en'): string {
  const t = T[lang];
  const name = (c: { name: string; nameEn: string }) => (lang === 'zh' ? c.name : c.nameEn);
  const label = (l: { zh: string; en: string }) => l[lang];
  const rows = p.commitments
    .map(
      (c) => `<tr><td><strong>${esc(name(c))}</strong><div class="muted">${esc(label(c.appliesTo))}</div></td><td><ul>${c.targets
        .map((x) => `<li>${esc(label(x.label))}：${esc(lang === 'zh' ? x.zh : x.en)}</li>`)
        .join('')}</ul></td></tr>`,
    )
    .join('');
  const kinds = [...new Set([...p.compliance.days30, ...p.compliance.days90].map((k) => k.kind))];
  const cell = (list: typeof p.compliance.days30, kind: string) => {
    const k = list.find((x) => x.kind === kind);
    return k ? `<td class="num">${pct(k.metShare)} <span class="muted">(${k.met}/${k.met + k.breached})</span></td><td class="num">${k.medianMinutes ?? '–'}</td>` : `<td class="muted" colspan="2">${t.none}</td>`;
  };
  const kept = kinds
    .map((kind) => {
      const l = [...p.compliance.days30, ...p.compliance.days90].find((k) => k.kind === kind)!.label;
      return `<tr><td>${esc(label(l))}</td>${cell(p.compliance.days30, kind)}${cell(p.compliance.days90, kind)}</tr>`;
    })
    .join('');
  const when = new Date(p.generatedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai' });
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title} · ServiceLoop</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;background:#f5f7fa;color:#1f2329}
main{max-width:960px;margin:0 auto;padding:32px 20px}
h1{font-size:28px;margin:0 0 8px}h2{font-size:20px;margin:32px 0 12px}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:4px 16px}
table{width:100%;border-collapse:collapse}td,th{padding:10px 8px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:top}
th{font-weight:600;color:#646a73;font-size:14px}.num{white-space:nowrap}.muted{color:#8f959e;font-size:13px}
ul{margin:0;padding-left:18px}p.intro{line-height:1.7;color:#4e5969}a.switch{float:right;color:#1677ff;text-decoration:none}
</style></head><body><main>
<a class="switch" href="?lang=${lang === 'zh' ? 'en' : 'zh'}">${t.switch}</a>
<h1>${t.title}</h1><p class="intro">${t.intro}</p>
<h2>${t.commitments}</h2><div class="card"><table><thead><tr><th>${t.applies}</th><th>${t.target}</th></tr></thead><tbody>${rows}</tbody></table></div>
<h2>${t.kept}</h2><div class="card"><table><thead><tr><th>${t.target}</th><th>${t.d30} · ${t.share}</th><th>${t.median}</th><th>${t.d90} · ${t.share}</th><th>${t.median}</th></tr></thead>
<tbody>${kept || `<tr><td colspan="5" class="muted">${t.none}</td></tr>`}</tbody></table></div>
<p class="muted">${t.updated} ${esc(when)}</p>
</main></body></html>`;
}
