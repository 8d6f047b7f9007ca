/** Colours of the status marks (no colour at all under NO_COLOR / FORCE_COLOR=0; the marks carry the meaning). */
import type {StepStatus} from '../core/types.js';
import type {LineStatus} from './state.js';

export function statusColor(status: StepStatus | LineStatus | 'pending'): string | undefined {
	switch (status) {
		case 'ok':
			return 'green';
		case 'warn':
			return 'yellow';
		case 'fail':
			return 'red';
		case 'crash':
			return 'magenta';
		case 'skipped':
			return 'gray';
		case 'running':
			return 'cyan';
		default:
			return undefined;
	}
}
