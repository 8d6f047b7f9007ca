/**
 * What every view needs to know about the six steps before any of them runs: number, title, roles,
 * dependencies. The step modules spread these in; steps/index.ts uses them to load a step's code
 * only when it first runs, so the first screen does not wait for code it does not need.
 */
import type {Step, StepId} from '../core/types.js';

export type StepMeta = Pick<Step, 'id' | 'number' | 'title' | 'roles' | 'dependsOn' | 'available'>;

export const STEP_META: Record<StepId, StepMeta> = {
	'twingate-network': {id: 'twingate-network', number: 1, title: "Twingate on the Ollama host's network", roles: ['server'], dependsOn: [], available: true},
	'ollama-remote-access': {id: 'ollama-remote-access', number: 2, title: 'Ollama accepts remote connections', roles: ['server'], dependsOn: [], available: true},
	'client-address': {id: 'client-address', number: 3, title: 'The address clients use', roles: ['server'], dependsOn: ['ollama-remote-access'], available: true},
	'ailice-config': {id: 'ailice-config', number: 4, title: "AIlice's config.json", roles: ['client'], dependsOn: [], available: true},
	'service-account': {id: 'service-account', number: 5, title: 'Production access with a service account', roles: ['client'], dependsOn: [], available: true},
	'connection-test': {id: 'connection-test', number: 6, title: 'Test the connection', roles: ['client'], dependsOn: ['ailice-config'], available: true},
};
