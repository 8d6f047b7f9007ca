// Flat config: typescript-eslint recommended rules over sources, tests and scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		files: ['**/*.{ts,tsx}'],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
			'no-console': 'off',
		},
	},
	{
		files: ['scripts/**/*.mjs', '*.js'],
		languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly'}},
	},
	{
		// Step modules, the core and the app layer (flows, the controller) hold no UI code: no React, Ink or prompt libraries.
		files: ['source/steps/**/*.ts', 'source/core/**/*.ts', 'source/app/**/*.ts'],
		rules: {
			'no-restricted-imports': ['error', {patterns: ['react', 'ink', 'ink-*', '@inkjs/*', '@inquirer/*', '../views/*', '../ui/*']}],
		},
	},
);
