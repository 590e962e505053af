/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time by function and
 * by package / source folder, to find what a missed target spends its time on.
 *   node --import tsx bench/tools/cpuprofile-top.ts <file.cpuprofile> [top=25] [lastSeconds]
 * With lastSeconds, only the samples of the profile's last seconds count (intake's paced step at
 * half the peak is the last 10 s of the intake server's profile).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(file: string, top = 25, lastSeconds?: number): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // at[i]: when sample i was taken (timeDeltas are the gaps between samples); a window counts back from the last
  const at: number[] = [];
  p.timeDeltas.reduce((t, d, i) => (at[i] = t + d), 0);
  const from = lastSeconds === undefined ? -Infinity : (at[at.length - 1] ?? 0) - lastSeconds * 1e6;
  p.samples.forEach((id, i) => {
    if ((at[i] ?? 0) >= from) selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const area = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const short = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : url.replace(/^.*\/(src|bench)\//, '$1/');
    fn.set(`${n.callFrame.functionName || '(anonymous)'}  ${short}:${n.callFrame.lineNumber + 1}`, (fn.get(`${n.callFrame.functionName || '(anonymous)'}  ${short}:${n.callFrame.lineNumber + 1}`) ?? 0) + us);
    const pkg = url.includes('node_modules/')
      ? url.slice(url.lastIndexOf('node_modules/') + 13).split('/').slice(0, url.slice(url.lastIndexOf('node_modules/') + 13).startsWith('@') ? 2 : 1).join('/')
      : url.startsWith('node:') || url === ''
        ? n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : 'node internals'
        : short.split('/').slice(0, 3).join('/');
    area.set(pkg, (area.get(pkg) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, us]) => `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  return `${file}: ${(total / 1e6).toFixed(1)} s sampled${lastSeconds === undefined ? '' : ` (the last ${lastSeconds} s)`}, ${((100 * (total - idle)) / total).toFixed(0)}% of it busy\n\nby package / folder:\n${fmt(area, 20)}\n\nby function (self time):\n${fmt(fn, top)}\n`;
}

if (process.argv[1]?.endsWith('cpuprofile-top.ts')) {
  const [file, top, last] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx bench/tools/cpuprofile-top.ts <file.cpuprofile> [top] [lastSeconds]');
    process.exit(2);
  }
  console.log(summarise(file, Number(top ?? 25), last === undefined ? undefined : Number(last)));
}
