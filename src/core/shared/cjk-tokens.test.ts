import { describe, expect, it } from 'vitest';
import { indexTokens, queryTerms } from './cjk-tokens.ts';

describe('CJK tokens', () => {
  it('indexes bigrams and words in order, and on its own only the last character of each run', () => {
    expect(indexTokens('申请退款，订单 iPhone退货 A栋')).toEqual({
      seq: ['申请', '请退', '退款', '订单', 'iphone', '退货', 'a', '栋'],
      uni: ['款', '单', '货'],
    });
  });

  it('keeps each last character once, and none for a run of one character (its token is the character)', () => {
    expect(indexTokens('退款 款 退款').uni).toEqual(['款']);
    expect(indexTokens('栋').uni).toEqual([]);
    expect(indexTokens('refund 42').uni).toEqual([]);
  });

  it('normalises full-width forms before tokenising, in the index and the query alike', () => {
    expect(indexTokens('ＩＰＨＯＮＥ１５').seq).toEqual(['iphone15']);
    expect(queryTerms('ＩＰＨＯＮＥ１５')).toEqual([{ kind: 'phrase', tokens: ['iphone15'] }]);
  });

  it('makes a query of one character a character term, and any longer run a phrase of its bigrams', () => {
    expect(queryTerms('退 退款 开具发票 refund')).toEqual([
      { kind: 'char', char: '退' },
      { kind: 'phrase', tokens: ['退款'] },
      { kind: 'phrase', tokens: ['开具', '具发', '发票'] },
      { kind: 'phrase', tokens: ['refund'] },
    ]);
  });
});
