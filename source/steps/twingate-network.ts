/**
 * Step 1 — Twingate on the Ollama host's network. Not delivered yet: the screen and --help say so plainly, and the runner reports
 * it as skipped without checking or changing anything.
 */
import type {Step} from '../core/types.js';

export const twingateNetwork: Step = {
	id: 'twingate-network',
	number: 1,
	title: "Twingate on the Ollama host's network",
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
		throw new Error('Step 1 is not available in this version yet.');
	},
};
