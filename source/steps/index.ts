/**
 * The six steps, in the order the setup needs them. Each entry carries its metadata at once and loads the step's
 * code (and its libraries) the first time it is checked, planned or applied.
 */
import type {Step, StepId} from '../core/types.js';
import {STEP_META} from './meta.js';

const LOADERS: Record<StepId, () => Promise<Step>> = {
	'twingate-network': () => import('./twingate-network.js').then((m) => m.twingateNetwork),
	'ollama-remote-access': () => import('./ollama-remote-access.js').then((m) => m.ollamaRemoteAccess),
	'client-address': () => import('./client-address.js').then((m) => m.clientAddress),
	'ailice-config': () => import('./ailice-config.js').then((m) => m.ailiceConfig),
	'service-account': () => import('./service-account.js').then((m) => m.serviceAccount),
	'connection-test': () => import('./connection-test.js').then((m) => m.connectionTest),
};

export function lazyStep(id: StepId): Step {
	let loaded: Promise<Step> | undefined;
	const load = () => (loaded ??= LOADERS[id]());
	return {
		...STEP_META[id],
		check: async (ctx, answers) => (await load()).check(ctx, answers),
		plan: async (ctx, answers) => (await load()).plan(ctx, answers),
		apply: async (ctx, plan, signal) => (await load()).apply(ctx, plan, signal),
	};
}

export const STEP_IDS: readonly StepId[] = ['twingate-network', 'ollama-remote-access', 'client-address', 'ailice-config', 'service-account', 'connection-test'];

export const STEPS: readonly Step[] = STEP_IDS.map(lazyStep);

export function stepById(id: StepId): Step {
	const step = STEPS.find((s) => s.id === id);
	if (!step) throw new Error(`unknown step ${id}`);
	return step;
}

/** The real module of a step (tests compare it with the metadata). */
export function loadStep(id: StepId): Promise<Step> {
	return LOADERS[id]();
}
