import type { Profile } from '@modelpulse/stats';

/**
 * A hand-written baseline so every expected bucket can be worked out by hand:
 * amount has knots 0, 10, 20 with CDF 0.25, 0.5, 1, so quantilePosition(5) = 0.375 (bucket (0.35, 0.4],
 * index 8), (20) = 1 (bucket (0.95, 1], index 20), (−10) = 0 (bucket (−∞, 0], index 0; SDKs drop negative values) and (40) = 2
 * (bucket (1, +∞), index 21).
 */
export const profile: Profile = {
  format: 'modelpulse.profile',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  rows: 4,
  quantileBoundaries: Array.from({ length: 21 }, (_, k) => k / 20),
  features: {
    amount: {
      type: 'numeric',
      count: 4,
      missing: 0,
      min: 0,
      max: 20,
      mean: 12.5,
      std: 8.2915619758885,
      knots: [0, 10, 20],
      cdf: [0.25, 0.5, 1],
      shares: Array.from({ length: 22 }, (_, i) => (i === 5 || i === 10 ? 0.25 : i === 20 ? 0.5 : 0)),
    },
    purpose: { type: 'categorical', count: 4, missing: 0, categories: { car: 0.5, tv: 0.5 } },
  },
  label: { classes: { approve: 0.7, reject: 0.3 }, count: 4, missing: 0 },
};
