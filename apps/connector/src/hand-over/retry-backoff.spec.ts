import { retryBackoffMs } from './retry-backoff';

describe(retryBackoffMs.name, () => {
  it('doubles per failed attempt from the initial wait, up to the maximum', () => {
    const noJitter = () => 0;

    expect([1, 2, 3, 4, 5, 6, 40].map((a) => retryBackoffMs(a, 100, 1000, noJitter))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });

  it('adds at most a fifth as jitter, and still never exceeds the maximum', () => {
    expect(retryBackoffMs(2, 100, 1000, () => 0.999)).toBe(240);
    expect(retryBackoffMs(4, 100, 900, () => 0.999)).toBe(900);
  });
});
