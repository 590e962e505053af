import { describe, expect, it } from 'vitest';
import { summariseTrace } from '../bench/tools/batch-trace.ts';

/** bench/tools/batch-trace.ts, the reader of the SL_TRACE_MS trace, on a trace worked out by hand. */
describe('batch-trace', () => {
  it('summarises the last seconds of a trace: batches, phases, workers, and the batches beside a worker run', () => {
    const batch = (t: number, ms: number, n: number, commit: number) =>
      `[trace] ${JSON.stringify({ kind: 'batch', t, ms, n, begin: 0.5, prepare: 0.5, requests: 1, writes: ms - 2 - commit, commit })}`;
    const text = [
      'a log line that is not a trace',
      batch(0, 50, 9, 1), // before the window (it ends at 50, the window starts at 1,010)
      batch(1100, 4, 2, 0.5),
      batch(1200, 6, 4, 1),
      '[trace] {"kind":"worker:outbox","t":1295,"ms":20}',
      batch(1300, 12, 8, 2), // beside the outbox run (1,295–1,315)
      batch(1500, 3, 1, 0.5),
      '[trace] {"kind":"worker:outbox","t":1600,"ms":10}',
      '[trace] {"kind":"batch","t":17', // cut off when the server was killed
      batch(2000, 10, 3, 1),
    ].join('\n');
    const s = summariseTrace(text, 1); // the window is 1,010–2,010
    expect(s.batches.count).toBe(5);
    expect(s.batches.perSecond).toBe(5);
    expect(s.batches.busyShare).toBeCloseTo(35 / 1000); // 4 + 6 + 12 + 3 + 10 ms
    expect([s.batches.p50, s.batches.p90, s.batches.max]).toEqual([6, 12, 12]); // sorted 3, 4, 6, 10, 12
    expect([s.batches.size.p50, s.batches.size.max]).toEqual([3, 8]);
    expect(s.batches.phases['commit']!.p50).toBe(1);
    expect(s.workers['outbox']).toEqual({ runs: 2, totalMs: 30, p50: 10, max: 20 });
    expect([s.besideWorker.count, s.besideWorker.max]).toEqual([1, 12]);
    expect([s.alone.count, s.alone.p50, s.alone.max]).toEqual([4, 4, 10]); // sorted 3, 4, 6, 10
    expect(s.batches.openedAhead).toBe(0);
  });

  it('counts the time inside a batch once where a batch opened ahead overlaps the one before', () => {
    const text = [
      '[trace] {"kind":"batch","t":100,"ms":30,"n":64,"begin":1,"prepare":4,"requests":10,"writes":14,"commit":1}',
      // opened during the write before (115–130), its requests from 130
      '[trace] {"kind":"batch","t":115,"ms":40,"n":64,"begin":1,"prepare":4,"ahead":1,"wait":10,"requests":10,"writes":14,"commit":1}',
    ].join('\n');
    const s = summariseTrace(text, 1);
    expect(s.batches.busyShare).toBeCloseTo(55 / 1000); // 100–155, not 30 + 40
    expect(s.batches.openedAhead).toBe(1);
    expect(s.batches.phases['wait']!.max).toBe(10);
  });
});
