const TINY = 1e-300;
const EPS = Number.EPSILON;

/**
 * Terms allowed before giving up: the fractions need O(√max(a, b)) of them next to the mean, and the cap
 * keeps absurd shapes (10²⁰⁰) from looping for ever.
 */
function termLimit(a: number, b: number): number {
  return Math.min(300 + 40 * Math.ceil(Math.sqrt(Math.max(a, b))), 1_000_000);
}

/**
 * Classical continued fraction of the incomplete beta function (Abramowitz & Stegun 26.5.8), evaluated
 * with the modified Lentz method: I_x(a, b) = xᵃyᵇ / (a·B(a, b)) · fraction. It converges for
 * x < (a + 1)/(a + b + 2) for every shape; used here when a or b is below 1.
 */
export function classicalBetaFraction(x: number, a: number, b: number): number {
  const limit = termLimit(a, b);
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let fraction = d;
  for (let m = 1; m < limit; m++) {
    const m2 = 2 * m;
    // Even step: d₂ₘ = m(b − m)x / ((a + 2m − 1)(a + 2m)), as ratios so that huge a, b cannot overflow.
    let coefficient = (m / (a + m2 - 1)) * (((b - m) * x) / (a + m2));
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    fraction *= d * c;
    // Odd step: d₂ₘ₊₁ = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
    coefficient = -((a + m) / (a + m2)) * ((a + b + m) / (a + m2 + 1)) * x;
    d = 1 + coefficient * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + coefficient / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (!(Math.abs(delta - 1) > EPS)) break;
  }
  return fraction;
}

/**
 * Continued fraction of DiDonato & Morris (1992, ACM TOMS 18(3):360–373, algorithm 708, "BFRAC"),
 * for a, b ≥ 1 and x at or left of the mean, where λ = a − (a + b)·x ≥ 0 is passed in (computed by the
 * caller from x or from y, whichever cancels less):
 *
 * I_x(a, b) = xᵃyᵇ / B(a, b) · 1 / (β₀ + α₁/(β₁ + α₂/(β₂ + …))), with β₀ = a(1 + λ)/(a + 1),
 * αₙ = (a + n − 1)(a + b + n − 1)·n(b − n)·x² / (a + 2n − 1)²,
 * βₙ = n + n(b − n)x/(a + 2n − 1) + (a + n)/(a + 2n + 1)·(1 + λ + n(1 + y)).
 *
 * Unlike the classical fraction its terms contain y and λ explicitly, so it keeps full accuracy when x
 * is close to 1 with a huge a (Clopper–Pearson limits for k near n = 10⁶), where the classical one
 * loses five digits to cancellation.
 */
export function didonatoMorrisBetaFraction(
  x: number,
  y: number,
  a: number,
  b: number,
  lambda: number,
): number {
  const limit = termLimit(a, b);
  let f = (a * (1 + lambda)) / (a + 1);
  if (Math.abs(f) < TINY) f = TINY;
  let c = f;
  let d = 0;
  for (let n = 1; n < limit; n++) {
    const shifted = a + 2 * n - 1;
    const w = n * (b - n) * x;
    const alpha = ((a + n - 1) / shifted) * ((a + b + n - 1) / shifted) * w * x;
    const beta = n + w / shifted + ((a + n) / (shifted + 2)) * (1 + lambda + n * (1 + y));
    d = beta + alpha * d;
    if (Math.abs(d) < TINY) d = TINY;
    d = 1 / d;
    c = beta + alpha / c;
    if (Math.abs(c) < TINY) c = TINY;
    const delta = c * d;
    f *= delta;
    if (!(Math.abs(delta - 1) > EPS)) break;
  }
  return 1 / f;
}
