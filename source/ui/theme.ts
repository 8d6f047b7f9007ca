/** Colours of the status marks (no colour at all under NO_COLOR / FORCE_COLOR=0; the marks carry the meaning). */
import chalk from 'chalk';
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

/** NO_COLOR (https://no-color.org): present and not empty means no colour anywhere. */
export function noColorRequested(env: Record<string, string | undefined> = process.env): boolean {
	return Boolean(env.NO_COLOR);
}

/**
 * Ink, its borders and @inkjs/ui colour through chalk, which does not read NO_COLOR: switch chalk's
 * styles off before a frame is drawn (the marks ✓ ! ✗ carry the meaning without colour).
 */
export function applyColorPolicy(env: Record<string, string | undefined> = process.env): void {
	if (noColorRequested(env)) chalk.level = 0;
}
