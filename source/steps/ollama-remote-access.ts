/**
 * Step 2 — Ollama accepts remote connections. Not delivered yet: the screen and --help say so plainly, and the runner reports
 * it as skipped without checking or changing anything.
 */
import type {Step} from '../core/types.js';

export const ollamaRemoteAccess: Step = {
	id: 'ollama-remote-access',
	number: 2,
	title: "Ollama accepts remote connections",
	roles: ['server'],
	dependsOn: [],
	available: false,
	async check() {
		return {status: 'skipped', summary: 'This step is not available in this version yet.', details: []};
	},
	async plan() {
		return {actions: [], inputs: {}};
	},
	async apply() {
		throw new Error('Step 2 is not available in this version yet.');
	},
};
