import { describe, expect, it } from 'vitest';
import { exclusionOf, firstMatch, leastLoaded, matches, nextInTurn, primaryLanguage, type CaseFacts, type Candidate, type RoutingRule } from './routing.ts';

const facts = (f: Partial<CaseFacts> = {}): CaseFacts => ({
  type: 'inquiry',
  categoryId: null,
  channel: 'phone',
  language: 'zh',
  customerTier: null,
  priority: 'P3',
  complaintGrade: null,
  ...f,
});

const rule = (id: string, position: number, conditions: RoutingRule['conditions'], enabled = true) => ({ id, position, enabled, conditions });

describe('routing rules: which rule a case matches', () => {
  it('matches a rule without conditions to every case, and each condition only to the values it lists', () => {
    expect(matches({}, facts())).toBe(true);
    expect(matches({ types: ['complaint'] }, facts())).toBe(false);
    expect(matches({ types: ['complaint', 'inquiry'] }, facts())).toBe(true);
    expect(matches({ channels: ['email'] }, facts({ channel: 'email' }))).toBe(true);
    expect(matches({ priorities: ['P1'] }, facts())).toBe(false);
    expect(matches({ complaintGrades: ['urgent'] }, facts({ type: 'complaint', complaintGrade: 'urgent' }))).toBe(true);
    expect(matches({ categoryIds: ['cat-1'] }, facts({ categoryId: 'cat-2' }))).toBe(false);
    // every listed condition must hold
    expect(matches({ types: ['inquiry'], channels: ['email'] }, facts())).toBe(false);
  });

  it('never matches a condition on a fact the case does not have (no category, no customer)', () => {
    expect(matches({ categoryIds: ['cat-1'] }, facts())).toBe(false);
    expect(matches({ customerTiers: ['vip'] }, facts())).toBe(false);
    expect(matches({ customerTiers: ['vip'] }, facts({ customerTier: 'vip' }))).toBe(true);
  });

  it('compares languages by their primary subtag', () => {
    expect(primaryLanguage('zh-CN')).toBe('zh');
    expect(primaryLanguage(null)).toBeNull();
    expect(matches({ languages: ['en'] }, facts({ language: 'en-US' }))).toBe(true);
    expect(matches({ languages: ['zh-TW'] }, facts({ language: 'zh' }))).toBe(true);
    expect(matches({ languages: ['en'] }, facts({ language: 'zh' }))).toBe(false);
  });

  it('takes the first enabled matching rule by position, ties by id, whatever order they come in', () => {
    const rules = [
      rule('c', 30, {}),
      rule('b', 10, { types: ['complaint'] }),
      rule('a', 20, { channels: ['phone'] }, false),
      rule('d', 20, { channels: ['phone'] }),
      rule('e', 20, { channels: ['phone'] }),
    ];
    expect(firstMatch(rules, facts({ type: 'complaint' }))?.id).toBe('b');
    // a is first at 20 but disabled; d before e by id
    expect(firstMatch(rules, facts())?.id).toBe('d');
    expect(firstMatch(rules, facts({ channel: 'email' }))?.id).toBe('c');
    expect(firstMatch([rule('x', 1, {}, false)], facts())).toBeUndefined();
  });
});

describe('routing rules: which agents may take a case, and whom a strategy picks', () => {
  const agent = (id: string, role = 'agent', skills: string[] = [], languages = ['zh']): Candidate => ({ id, name: id, role, skills, languages });
  const opts = { requiredSkills: [] as string[], matchLanguage: false, maxOpenPerAgent: null as number | null };

  it('passes over an agent without the authority for the complaint grade, the skills, the language, or under the cap', () => {
    const urgent = facts({ type: 'complaint', complaintGrade: 'urgent' });
    expect(exclusionOf(opts, urgent, agent('a'), 0)).toBe('authority');
    expect(exclusionOf(opts, urgent, agent('s', 'supervisor'), 0)).toBe('authority');
    expect(exclusionOf(opts, urgent, agent('m', 'manager'), 0)).toBeNull();
    expect(exclusionOf(opts, facts({ type: 'complaint', complaintGrade: 'important' }), agent('s', 'supervisor'), 0)).toBeNull();
    expect(exclusionOf(opts, facts(), agent('i', 'inspector'), 0)).toBe('authority');

    const skills = { ...opts, requiredSkills: ['billing', 'vip'] };
    expect(exclusionOf(skills, facts(), agent('a', 'agent', ['billing']), 0)).toBe('skills');
    expect(exclusionOf(skills, facts(), agent('a', 'agent', ['vip', 'billing', 'x']), 0)).toBeNull();

    const lang = { ...opts, matchLanguage: true };
    expect(exclusionOf(lang, facts({ language: 'en' }), agent('a', 'agent', [], ['zh']), 0)).toBe('language');
    expect(exclusionOf(lang, facts({ language: 'en-GB' }), agent('a', 'agent', [], ['zh', 'en']), 0)).toBeNull();
    expect(exclusionOf(lang, facts({ language: null }), agent('a'), 0)).toBe('language');
    // without matchLanguage the agent's languages do not matter
    expect(exclusionOf(opts, facts({ language: 'en' }), agent('a', 'agent', [], ['zh']), 0)).toBeNull();

    const cap = { ...opts, maxOpenPerAgent: 3 };
    expect(exclusionOf(cap, facts(), agent('a'), 2)).toBeNull();
    expect(exclusionOf(cap, facts(), agent('a'), 3)).toBe('cap');
  });

  it('round-robin goes on after the last agent in id order, wrapping around, even when that one dropped out', () => {
    const team = [agent('c'), agent('a'), agent('b')];
    expect(nextInTurn(team, null)).toBe('a');
    expect(nextInTurn(team, 'a')).toBe('b');
    expect(nextInTurn(team, 'b')).toBe('c');
    expect(nextInTurn(team, 'c')).toBe('a');
    // b left the eligible set: after a comes c; after b (gone) comes c too
    expect(nextInTurn([agent('a'), agent('c')], 'a')).toBe('c');
    expect(nextInTurn([agent('a'), agent('c')], 'b')).toBe('c');
    expect(nextInTurn([], 'a')).toBeUndefined();
    // a full rotation gives each agent one turn
    let last: string | null = null;
    const given: string[] = [];
    for (let i = 0; i < 6; i++) given.push((last = nextInTurn(team, last)!));
    expect(given).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('least-loaded picks the agent with the fewest open cases, the first by id on a tie', () => {
    const loads: Record<string, number> = { a: 4, b: 1, c: 1, d: 7 };
    expect(leastLoaded([agent('d'), agent('c'), agent('b'), agent('a')], (id) => loads[id]!)).toBe('b');
    expect(leastLoaded([agent('d'), agent('a')], (id) => loads[id]!)).toBe('a');
    expect(leastLoaded([], () => 0)).toBeUndefined();
  });
});
