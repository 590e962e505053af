import { describe, expect, it } from 'vitest';
import { repeat } from './repeat.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('repeat (the background workers loop)', () => {
  it('runs one at a time: at once while there is more, everyMs after a run without more or a failed one', async () => {
    let n = 0;
    let inFlight = 0;
    let overlapped = false;
    const errors: unknown[] = [];
    const r = repeat(
      async () => {
        overlapped ||= inFlight > 0;
        inFlight++;
        const i = n++;
        await sleep(5);
        inFlight--;
        if (i === 2) throw new Error('boom');
        return i < 2; // 0 and 1 say there is more
      },
      { everyMs: 300, onError: (e) => errors.push(e) },
    );
    r.start();
    r.start(); // ignored while running
    await sleep(150);
    expect(n).toBe(3); // 0, 1 and 2 back to back; 2 failed, so the next waits everyMs
    expect(errors).toHaveLength(1);
    await sleep(300);
    expect(n).toBe(4);
    await r.stop();
    await sleep(400);
    expect(n).toBe(4);
    expect(overlapped).toBe(false);
  });

  it('soon() brings a far next run forward, never puts a nearer one back, and does nothing once stopped', async () => {
    let n = 0;
    const r = repeat(async () => void n++, { everyMs: 60_000 });
    r.start();
    await sleep(30);
    expect(n).toBe(1); // the first run; the next is a minute away
    r.soon(20);
    r.soon(10_000); // later than the one now due: ignored
    await sleep(80);
    expect(n).toBe(2);
    await r.stop();
    r.soon(0);
    await sleep(30);
    expect(n).toBe(2);
  });

  it('soon() during a run that has already chosen a far next run still brings the next one forward', async () => {
    let n = 0;
    const r = repeat(
      async () => {
        n++;
        await sleep(40); // soon() arrives here, after this run looked for work
        return 60_000;
      },
      { everyMs: 60_000 },
    );
    r.start();
    await sleep(15);
    expect(n).toBe(1);
    r.soon(10);
    await sleep(120);
    expect(n).toBe(2);
    await r.stop();
  });

  it('stop() waits for the run in progress; nothing runs before start()', async () => {
    let done = false;
    let runs = 0;
    const r = repeat(
      async () => {
        runs++;
        await sleep(60);
        done = true;
      },
      { everyMs: 1000, firstMs: 10 },
    );
    await sleep(30);
    expect(runs).toBe(0);
    r.start();
    await sleep(30);
    expect(runs).toBe(1);
    await r.stop();
    expect(done).toBe(true);
  });

  it('runs the next after the ms a run returned', async () => {
    const at: number[] = [];
    const r = repeat(
      async () => {
        at.push(performance.now());
        return 80;
      },
      { everyMs: 10_000 },
    );
    r.start();
    await sleep(200);
    await r.stop();
    // 0, 80, 160 (a busy machine may fire late, but never after everyMs)
    expect(at.length).toBeGreaterThanOrEqual(2);
    expect(at.length).toBeLessThanOrEqual(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(75);
  });
});
