/** The six steps, in the guide's order. */
import {twingateNetwork} from './twingate-network.js';
import {ollamaRemoteAccess} from './ollama-remote-access.js';
import {clientAddress} from './client-address.js';
import {ailiceConfig} from './ailice-config.js';
import {serviceAccount} from './service-account.js';
import {connectionTest} from './connection-test.js';
import type {Step, StepId} from '../core/types.js';

export const STEPS: readonly Step[] = [twingateNetwork, ollamaRemoteAccess, clientAddress, ailiceConfig, serviceAccount, connectionTest];

export function stepById(id: StepId): Step {
	const step = STEPS.find((s) => s.id === id);
	if (!step) throw new Error(`unknown step ${id}`);
	return step;
}
