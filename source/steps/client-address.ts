/**
 * Step 3 — The address clients use. Not delivered yet: the screen and --help say so plainly, and the runner reports
 * it as skipped without checking or changing anything.
 */
import type {Step} from '../core/types.js';

export const clientAddress: Step = {
	id: 'client-address',
	number: 3,
	title: "The address clients use",
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
		throw new Error('Step 3 is not available in this version yet.');
	},
};
