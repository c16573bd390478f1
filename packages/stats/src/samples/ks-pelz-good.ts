// Pelz & Good (1976), "Approximating the lower tail-areas of the Kolmogorov–Smirnov one-sample
// statistic", JRSS B 38(2): the Li-Chien / Korolyuk expansion
//   P(Dₙ ≤ x) ≈ K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^{3/2},   z = x·√n,
// with each Kⱼ rewritten through the Jacobi theta functional equation into rapidly converging
// series in q = exp(−π²/(8z²)). Used for large n where the exact methods are too slow.

const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const MIN_LOG = -708;

/** Pelz–Good approximation to P(Dₙ ≤ x), not clipped. */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qLog = -PI2 / 8 / z2;
  if (qLog < MIN_LOG) return 0;
  let q = Math.exp(qLog);

  // Coefficients of the odd-index theta series for K₁ … K₃ (polynomials in m = 2k − 1).
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  // Σ c(m) q^(m²) over odd m, by Horner in q^(8k) from the largest k down.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qPower = q ** (8 * k);
    s0 = s0 * qPower + 1;
    s1 = s1 * qPower + (k1a + k1b * m2);
    s2 = s2 * qPower + (k2a + k2b * m2 + k2c * m4);
    s3 = s3 * qPower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  s0 = (s0 * q * SQRT_2PI) / z;
  s1 = (s1 * q * SQRT_2PI) / (6 * z4);
  s2 = (s2 * q * SQRT_2PI) / (72 * z ** 7);
  s3 = (s3 * q * SQRT_2PI) / (6480 * z ** 10);

  // Extra all-integer sums in K₂ and K₃, in q' = exp(−π²/(2z²)).
  q = Math.exp(-PI2 / 2 / z2);
  const rootThreeZ = SQRT3 * z;
  let extra2 = 0;
  let extra3 = 0;
  for (let k = maxK; k >= 1; k--) {
    const k2 = k * k;
    const w = k2 * q ** k2;
    const kPi = Math.PI * k;
    extra2 += w;
    extra3 += (rootThreeZ + kPi) * (rootThreeZ - kPi) * w;
  }
  s2 += (extra2 * PI2 * SQRT_2PI) / (-36 * z3);
  s3 += (extra3 * PI2 * SQRT_2PI) / (216 * z6);

  return s0 + s1 / Math.sqrt(n) + s2 / n + s3 / n ** 1.5;
}
