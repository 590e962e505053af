const LINKS: Array<[string, string, string]> = [
  ['/app/portal', '客户服务中心（客户登录：提交请求、查询进度）', 'Customer portal (customers: submit a request, follow yours)'],
  ['/app/', '客服工作台（坐席、主管登录）', 'Staff workspace (agents, supervisors: log in)'],
  ['/commitments', '服务质量承诺（公开）', 'Our service commitments (public)'],
  ['/help', '帮助中心 · 常见问题（公开）', 'Help centre: frequently asked questions (public)'],
  ['/api/docs', 'REST API 文档', 'REST API documentation'],
  ['/api/v1/health', '运行状态', 'Health'],
];

/** The start page: where to go next (the staff web app at /app/), in Chinese and English. */
export function renderHomePage(): string {
  const items = LINKS.map(([href, zh, en]) => `<li><a href="${href}">${zh}</a> <span>${en}</span></li>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ServiceLoop 客户服务质量管理系统</title>
<style>body{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;background:#f5f7fa;color:#1f2329;margin:0}
main{max-width:720px;margin:0 auto;padding:48px 20px}h1{margin:0 0 4px}p{color:#4e5969;line-height:1.7}
ul{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:12px 32px}li{margin:10px 0}a{color:#1677ff;text-decoration:none}span{color:#8f959e;margin-left:8px}</style>
</head><body><main><h1>ServiceLoop</h1><p>客户服务质量管理系统 — 全渠道受理、服务承诺、闭环处理与质量改进。<br>
Customer-service quality management: every channel, public commitments, every case closed in a loop.</p>
<ul>${items}</ul></main></body></html>`;
}
