import fc from 'fast-check';
import { expect, it } from 'vitest';
import { MODIFICATION_RULE, ModificationHistory, modificationBudget } from '../src/index.js';

const { windowMs, perWindow } = MODIFICATION_RULE;

it('frees a slot when the oldest of the last four known modifications is 24 hours old', () => {
  const history = new ModificationHistory();
  for (const at of [1_000, 2_000, 3_000, 4_000]) history.record('vol-1', at);
  expect(history.retryAt('vol-1', 5_000, 4_000).getTime()).toBe(1_000 + windowMs);
  history.record('vol-1', 1_000 + windowMs);
  expect(history.retryAt('vol-1', 1_000 + windowMs + 1, 1_000 + windowMs).getTime()).toBe(2_000 + windowMs);
});

it('knowing fewer than four (a restart, someone else modified it), waits the whole window after the latest start', () => {
  const history = new ModificationHistory();
  expect(history.retryAt('vol-1', 10_000, 7_000).getTime()).toBe(7_000 + windowMs);
  history.record('vol-1', 8_000);
  expect(history.retryAt('vol-1', 10_000, 7_000).getTime()).toBe(8_000 + windowMs);
  expect(history.retryAt('vol-2', 10_000, undefined).getTime()).toBe(10_000 + windowMs);
});

it('never promises a slot before the rule could free one: at retryAt at most three of the known starts are in the window', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 3 * windowMs }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: windowMs }), (gaps, after) => {
      const history = new ModificationHistory();
      const starts: number[] = [];
      let at = 0;
      for (const gap of gaps) starts.push((at += gap));
      for (const start of starts) history.record('vol-1', start);
      const now = at + after;
      const retryAt = history.retryAt('vol-1', now, at).getTime();
      const inWindow = starts.filter((start) => retryAt - start < windowMs).length;
      expect(inWindow).toBeLessThan(perWindow);
      expect(retryAt).toBeGreaterThan(at);
    }),
  );
});

it('the budget counts the starts within the window; with none left, the next slot is when the oldest counted leaves it', () => {
  expect(modificationBudget([], 0)).toEqual({ inWindow: 0, left: 4 });
  expect(modificationBudget([1_000, 2_000], 3_000)).toEqual({ inWindow: 2, left: 2 });
  // The first is 24 h old at the second's window end: it no longer counts.
  expect(modificationBudget([0, 1_000, 2_000, 3_000], windowMs)).toEqual({ inWindow: 3, left: 1 });
  expect(modificationBudget([0, 1_000, 2_000, 3_000], 4_000)).toEqual({ inWindow: 4, left: 0, nextAt: windowMs });
});

it('the budget agrees with retryAt: none left exactly when retryAt is after now, and then at the same time', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 3 * windowMs }), { maxLength: 8 }), fc.integer({ min: 0, max: 4 * windowMs }), (raw, now) => {
      const starts = [...raw].sort((a, b) => a - b).filter((at) => at <= now);
      const history = new ModificationHistory();
      for (const at of starts) history.record('vol-1', at);
      const budget = modificationBudget(starts, now);
      expect(budget.left).toBe(Math.max(0, perWindow - starts.filter((at) => now - at < windowMs).length));
      if (budget.left === 0) expect(history.retryAt('vol-1', now, starts.at(-1)).getTime()).toBe(budget.nextAt);
    }),
  );
});
