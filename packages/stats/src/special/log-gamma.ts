import { describe } from '../internal/assert.js';

// Lanczos approximation (g = 7, nine terms): relative error near 1e-15 over the positive reals; between
// 0.5 and 2.5, around the zeros of ln Γ at 1 and 2, a series in ζ(k) instead (see logGamma1p).
const G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Natural logarithm of |Γ(x)| (reflection formula below 0.5). Infinity at the poles 0, −1, −2, … and at
 * +Infinity, as `scipy.special.gammaln`; NaN or a non-number throws.
 *
 * @example
 * logGamma(5); // ≈ 3.17805383035 — ln 4! = ln 24 (Python math.lgamma(5) = 3.178053830347945)
 */
export function logGamma(x: number): number {
  if (typeof x !== 'number' || Number.isNaN(x)) {
    throw new TypeError(`logGamma(x): x must be a number, got ${describe(x)}.`);
  }
  if (x === Number.POSITIVE_INFINITY || (x <= 0 && Number.isInteger(x))) return Number.POSITIVE_INFINITY;
  return logGammaOf(x);
}

/** ζ(k) − 1 for k = 2 … 28 (mpmath, to double precision): enough for |a| ≤ 0.5, where terms fall as 4⁻ᵏ. */
const ZETA_MINUS_ONE = [
  0.6449340668482264, 0.2020569031595943, 0.08232323371113819, 0.03692775514336993, 0.01734306198444914,
  0.008349277381922827, 0.00407735619794434, 0.0020083928260822143, 0.0009945751278180853,
  0.0004941886041194645, 0.0002460865533080483, 0.00012271334757848915, 6.124813505870483e-5,
  3.058823630702049e-5, 1.528225940865187e-5, 7.637197637899763e-6, 3.81729326499984e-6, 1.908212716553939e-6,
  9.539620338727962e-7, 4.769329867878064e-7, 2.38450502727733e-7, 1.1921992596531106e-7,
  5.960818905125948e-8, 2.980350351465228e-8, 1.4901554828365043e-8, 7.45071178983543e-9,
  3.725334024788457e-9,
];
const EULER_GAMMA = 0.5772156649015329;

/**
 * ln Γ(1 + a) for |a| ≤ 0.5 with full relative accuracy, also where it is close to 0 (tiny a): the
 * series −ln(1 + a) + (1 − γ)·a + Σ (−a)ᵏ·(ζ(k) − 1)/k (Abramowitz & Stegun 6.1.33). @internal
 */
export function logGamma1p(a: number): number {
  let sum = 0;
  let power = -a;
  for (let k = 2; k < 2 + ZETA_MINUS_ONE.length; k++) {
    power *= -a; // (−a)ᵏ
    const term = ((ZETA_MINUS_ONE[k - 2] as number) / k) * power;
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
  }
  return -Math.log1p(a) + (1 - EULER_GAMMA) * a + sum;
}

/** ln |Γ(x)| without the checks. */
function logGammaOf(x: number): number {
  // Next to the zeros of ln Γ at 1 and 2, the series keeps relative accuracy where Lanczos keeps only absolute.
  if (x >= 0.5 && x <= 1.5) return logGamma1p(x - 1);
  if (x > 1.5 && x <= 2.5) return Math.log1p(x - 2) + logGamma1p(x - 2);
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGammaOf(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) a += (LANCZOS[i] as number) / (z + i);
  const t = z + G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
