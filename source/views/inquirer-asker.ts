/** --plain on a TTY: the same questions, line by line, with @inquirer/prompts (screen readers, logs). */
import {confirm, input, password, select} from '@inquirer/prompts';
import {CancelledError} from '../core/exit-codes.js';
import type {Asker} from '../app/asker.js';

function cancelled(error: unknown): never {
	const name = (error as Error)?.name;
	if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') throw new CancelledError();
	throw error;
}

export function inquirerAsker(signal: AbortSignal, write: (text: string) => void): Asker {
	// Ink may have unref'd stdin before: make sure the prompt keeps the loop alive.
	const ready = () => process.stdin.ref?.();
	return {
		interactive: true,
		async text(q) {
			ready();
			const validate = (v: string) => q.validate?.(v) ?? true;
			try {
				if (q.secret) return await password({message: q.message, mask: '*', validate}, {signal});
				return await input({message: q.message, default: q.default, validate}, {signal});
			} catch (error) {
				return cancelled(error);
			}
		},
		async select(q) {
			ready();
			try {
				return await select({message: q.message, choices: q.choices, default: q.default}, {signal});
			} catch (error) {
				return cancelled(error);
			}
		},
		async confirm(q) {
			ready();
			try {
				return await confirm({message: q.message, default: q.default ?? true}, {signal});
			} catch (error) {
				return cancelled(error);
			}
		},
		async note(title, body) {
			write(`\n${title}\n${body}\n`);
		},
	};
}
