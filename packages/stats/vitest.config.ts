import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  test: { name: 'stats', include: ['test/**/*.test.ts'] },
});
