/**
 * Step 5 — Production access with a service account. Not delivered yet: the screen and --help say so plainly, and the runner reports
 * it as skipped without checking or changing anything.
 */
import type {Step} from '../core/types.js';

export const serviceAccount: Step = {
	id: 'service-account',
	number: 5,
	title: "Production access with a service account",
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
		throw new Error('Step 5 is not available in this version yet.');
	},
};
