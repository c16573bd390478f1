/** Clamp a probability to [0, 1] (NaN passes through). */
export function clip01(p: number): number {
  return Math.min(Math.max(p, 0), 1);
}

/** x · 2^e without overflowing or underflowing the intermediate power of two. */
export function ldexp(x: number, e: number): number {
  let y = x;
  let rest = e;
  while (rest > 1000) {
    y *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    y *= 2 ** -1000;
    rest += 1000;
  }
  return y * 2 ** rest;
}
