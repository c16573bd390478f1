import { defineProject } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources ("source" export condition).
const conditions = ['source', 'import', 'node', 'default'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  // End-to-end tests run real exporters, SQLite and simulations: allow them more than the default 5 s.
  test: { name: 'analysis', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
