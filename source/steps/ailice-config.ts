/**
 * Step 4 — AIlice's config.json. Not delivered yet: the screen and --help say so plainly, and the runner reports
 * it as skipped without checking or changing anything.
 */
import type {Step} from '../core/types.js';

export const ailiceConfig: Step = {
	id: 'ailice-config',
	number: 4,
	title: "AIlice's config.json",
	roles: ['client'],
	dependsOn: [],
	available: false,
	async check() {
		return {status: 'skipped', summary: 'This step is not available in this version yet.', details: []};
	},
	async plan() {
		return {actions: [], inputs: {}};
	},
	async apply() {
		throw new Error('Step 4 is not available in this version yet.');
	},
};
