import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		globalSetup: ['test/global-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// End-to-end tests drive tmux sessions; keep files in parallel but bounded on 2 cores.
		maxWorkers: 2,
		env: {CI: 'true', FORCE_COLOR: '0'},
	},
});
