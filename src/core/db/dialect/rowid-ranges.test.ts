import { describe, expect, it } from 'vitest';
import { rowidRanges } from './sqlite.ts';

describe('rowidRanges (how SQLite asks FTS5 about a chunk of a list)', () => {
  it('joins rowids up to 256 apart into one range, in any order given', () => {
    expect(rowidRanges([5, 1, 3])).toEqual([[1, 5]]);
    expect(rowidRanges([1000, 1, 257, 1256, 5000])).toEqual([[1, 257], [1000, 1256], [5000, 5000]]);
  });

  it('asks for one range from the least to the greatest once a chunk is scattered into more than 16', () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => i * 1000);
    expect(rowidRanges(sixteen)).toHaveLength(16);
    expect(rowidRanges([...sixteen, 99_999])).toEqual([[0, 99_999]]);
  });
});
