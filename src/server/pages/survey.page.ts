import type { PublicSurvey } from '../../core/modules/surveys/index.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type Lang = 'zh' | 'en';

const T = {
  zh: {
    title: '服务满意度调查',
    intro: (n: string, s: string) => `感谢您联系我们。您的工单 ${n}（${s}）已处理完毕，请对本次服务进行评价。`,
    introPeriodic: '感谢您一直以来的支持。请对近期我们为您提供的服务进行整体评价。',
    csat: '总体满意度',
    low: '非常不满意',
    high: '非常满意',
    dimensions: '分项评价（选填）',
    attitude: '服务态度',
    speed: '处理速度',
    solution: '解决方案',
    completeness: '问题解决的完整程度',
    nps: '您向亲友推荐我们的可能性有多大？（选填，0 = 完全不可能，10 = 非常可能）',
    comment: '意见与建议（选填）',
    submit: '提交评价',
    until: (d: string) => `本链接仅可使用一次，有效期至 ${d}。`,
    thanks: '感谢您的评价！',
    thanksBody: '您的意见已记录，我们将据此持续改进服务。',
    sorry: '如您对处理结果仍不满意，我们的主管将在一个工作日内与您联系。',
    answered: '该调查已提交',
    answeredBody: '每个链接只能提交一次，感谢您的参与。',
    expired: '该调查已失效',
    expiredBody: '链接已过期，或已被更新的调查取代。如需反馈，请直接回复工单邮件。',
    notFound: '链接无效',
    notFoundBody: '请确认链接已完整复制。',
    invalid: '请检查您的评分',
    required: '请选择总体满意度评分。',
    switch: 'English',
    unknown: '提交失败，请稍后再试。',
  },
  en: {
    title: 'Customer satisfaction survey',
    intro: (n: string, s: string) => `Thank you for contacting us. Your case ${n} (${s}) has been resolved: please rate our service.`,
    introPeriodic: 'Thank you for being our customer. Please rate the service we have given you lately, overall.',
    csat: 'Overall satisfaction',
    low: 'very dissatisfied',
    high: 'very satisfied',
    dimensions: 'In detail (optional)',
    attitude: 'Attitude of our staff',
    speed: 'Speed',
    solution: 'The solution',
    completeness: 'How completely it was solved',
    nps: 'How likely are you to recommend us to a friend? (optional, 0 = not at all, 10 = extremely likely)',
    comment: 'Comments (optional)',
    submit: 'Send',
    until: (d: string) => `This link can be used once, until ${d}.`,
    thanks: 'Thank you for your feedback!',
    thanksBody: 'Your answer has been recorded; we use it to improve our service.',
    sorry: 'As you are not satisfied, a supervisor will contact you within one working day.',
    answered: 'This survey was already answered',
    answeredBody: 'Each link can be used once. Thank you for taking part.',
    expired: 'This survey is closed',
    expiredBody: 'The link has expired or was replaced by a newer survey. To tell us more, reply to the mail about your case.',
    notFound: 'This link is not valid',
    notFoundBody: 'Please check that the link was copied whole.',
    invalid: 'Please check your scores',
    required: 'Please choose an overall score.',
    switch: '中文',
    unknown: 'Your answer could not be sent. Please try again later.',
  },
};

const shell = (lang: Lang, title: string, body: string, switchHref?: string) => `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">
<title>${esc(title)} · ServiceLoop</title>
<style>
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;background:#f5f7fa;color:#1f2329}
main{max-width:680px;margin:0 auto;padding:32px 20px}h1{font-size:24px;margin:0 0 12px}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:16px 20px;margin:16px 0}
fieldset{border:0;padding:0;margin:0 0 16px}legend{font-weight:600;margin-bottom:8px}
.scale{display:flex;flex-wrap:wrap;gap:6px;align-items:center}.scale label{display:inline-flex;flex-direction:column;align-items:center;min-width:34px;padding:6px;border:1px solid #d0d3d9;border-radius:6px;cursor:pointer}
.muted{color:#8f959e;font-size:13px}textarea{width:100%;box-sizing:border-box;min-height:90px;font:inherit}
button{background:#1677ff;color:#fff;border:0;border-radius:6px;padding:10px 24px;font-size:16px;cursor:pointer}
.error{color:#c0392b}a.switch{float:right;color:#1677ff;text-decoration:none}
</style></head><body><main>${switchHref ? `<a class="switch" href="${esc(switchHref)}">${T[lang].switch}</a>` : ''}${body}</main></body></html>`;

const radios = (name: string, from: number, to: number, required: boolean) =>
  `<div class="scale">${Array.from({ length: to - from + 1 }, (_, i) => from + i)
    .map((v) => `<label><input type="radio" name="${name}" value="${v}"${required && v === from ? ' required' : ''}>${v}</label>`)
    .join('')}</div>`;

/** The public answer page (no login, no script): the scale, the four dimensions, NPS, free text. */
export function renderSurveyForm(s: PublicSurvey, lang: Lang, action: string, error?: string): string {
  const t = T[lang];
  const until = new Date(s.expiresAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai' });
  const dims = (['attitude', 'speed', 'solution', 'completeness'] as const)
    .map((d) => `<fieldset><legend>${t[d]}</legend>${radios(d, 1, s.scale, false)}</fieldset>`)
    .join('');
  const body = `<h1>${t.title}</h1><p>${esc(s.periodic ? t.introPeriodic : t.intro(s.caseNumber, s.subject))}</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${esc(action)}" class="card">
<fieldset><legend>${t.csat} *</legend>${radios('csat', 1, s.scale, true)}<div class="muted">1 = ${t.low}, ${s.scale} = ${t.high}</div></fieldset>
<h2 style="font-size:16px">${t.dimensions}</h2>${dims}
<fieldset><legend>${t.nps}</legend>${radios('nps', 0, 10, false)}</fieldset>
<fieldset><legend>${t.comment}</legend><textarea name="comment" maxlength="2000"></textarea></fieldset>
<button type="submit">${t.submit}</button>
<p class="muted">${esc(t.until(until))}</p>
</form>`;
  return shell(lang, t.title, body, `${action}?lang=${lang === 'zh' ? 'en' : 'zh'}`);
}

/** After an answer: thanks (and, when dissatisfied, that a supervisor will call). */
export function renderSurveyThanks(lang: Lang, dissatisfied: boolean): string {
  const t = T[lang];
  return shell(lang, t.thanks, `<div class="card"><h1>${t.thanks}</h1><p>${t.thanksBody}</p>${dissatisfied ? `<p>${t.sorry}</p>` : ''}</div>`);
}

/** A link that cannot be answered (any more), or an answer that did not pass, in words the customer reads. */
export function renderSurveyProblem(lang: Lang, code: string): string {
  const t = T[lang];
  const [title, body] =
    code === 'survey_answered'
      ? [t.answered, t.answeredBody]
      : code === 'survey_expired' || code === 'customer_erased'
        ? [t.expired, t.expiredBody]
        : code === 'survey_not_found'
          ? [t.notFound, t.notFoundBody]
          : [t.title, t.unknown];
  return shell(lang, title, `<div class="card" data-code="${esc(code)}"><h1>${title}</h1><p>${body}</p></div>`);
}

export const surveyFormErrors = (lang: Lang) => ({ required: T[lang].required, invalid: T[lang].invalid });
