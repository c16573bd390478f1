import { defineProject } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources ("source" export condition).
const conditions = ['source', 'import', 'node', 'default'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: { name: 'analysis', include: ['test/**/*.test.ts'] },
});
