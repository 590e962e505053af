import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarise } from '../bench/tools/cpuprofile-top.ts';

/** bench/tools/cpuprofile-top.ts on a profile worked out by hand: self time, busy share, the last seconds only. */
describe('cpuprofile-top', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-prof-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
  const file = join(dir, 'p.cpuprofile');
  writeFileSync(
    file,
    JSON.stringify({
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3, 4] },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('executeQuery', 'file:///x/node_modules/kysely/dist/esm/dialect/sqlite/sqlite-driver.js') },
        { id: 4, callFrame: frame('formatTime', 'file:///x/src/core/modules/notifications/templates.ts') },
      ],
      // at 1 s: 1 s of kysely; at 1.5 s: 0.5 s of templates; at 3.5 s: 2 s idle; at 4.5 s: 1 s of kysely
      samples: [3, 4, 2, 3],
      timeDeltas: [1_000_000, 500_000, 2_000_000, 1_000_000],
    }),
  );

  it('counts every sample without a window', () => {
    const s = summarise(file, 5);
    expect(s).toContain('4.5 s sampled, 56% of it busy');
    expect(s).toMatch(/2000 ms\s+44\.4%\s+kysely/);
    expect(s).toMatch(/500 ms\s+11\.1%\s+src\/core\/modules/);
  });

  it('counts only the last seconds with a window', () => {
    const s = summarise(file, 5, 3); // from 1.5 s: templates, idle and the last kysely sample
    expect(s).toContain('3.5 s sampled (the last 3 s), 43% of it busy');
    expect(s).toMatch(/1000 ms\s+28\.6%\s+kysely/);
    expect(s).not.toMatch(/2000 ms\s+\S+\s+kysely/);
  });
});
