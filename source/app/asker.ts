/**
 * How a flow asks the user. Three implementations: @inquirer/prompts line by line (--plain on a TTY),
 * the Ink UI's own prompt pane, and the non-interactive one that fails with the flag to pass.
 */
import {UsageError} from '../core/exit-codes.js';

export interface Choice<T extends string> {
	value: T;
	name: string;
	description?: string;
}

export interface TextQuestion {
	message: string;
	/** The flag that answers this question non-interactively (named in the exit-2 message). */
	flag: string;
	default?: string;
	/** Return a sentence saying what is wrong, or null when valid. */
	validate?: (value: string) => string | null;
	/** Mask typed characters (service keys, tokens). */
	secret?: boolean;
}

export interface SelectQuestion<T extends string> {
	message: string;
	flag: string;
	choices: Choice<T>[];
	default?: T;
}

export interface ConfirmQuestion {
	message: string;
	flag: string;
	default?: boolean;
}

/**
 * The user chose to skip the step a question belongs to (`s`, or Esc in a text field, in the Ink UI):
 * runSetupStep records that step as skipped and the flow goes on.
 */
export class SkipStepError extends Error {
	constructor(readonly stepId: string) {
		super(`Step ${stepId} was skipped.`);
		this.name = 'SkipStepError';
	}
}

export interface Asker {
	readonly interactive: boolean;
	text(q: TextQuestion): Promise<string>;
	select<T extends string>(q: SelectQuestion<T>): Promise<T>;
	confirm(q: ConfirmQuestion): Promise<boolean>;
	/** Show a block of text the user should read (a checklist, a card). */
	note(title: string, body: string): Promise<void>;
}

/** No terminal: never hang waiting for input; exit 2 naming the flag (gh style). */
export function nonInteractiveAsker(write: (line: string) => void = () => undefined): Asker {
	return {
		interactive: false,
		async text(q) {
			throw new UsageError(`${q.message.replace(/[?:]\s*$/, '')}: no answer given.`, `Pass ${q.flag} (there is no terminal to ask).`);
		},
		async select(q) {
			throw new UsageError(`${q.message.replace(/[?:]\s*$/, '')}: no answer given.`, `Pass ${q.flag} (there is no terminal to ask).`);
		},
		async confirm(q) {
			throw new UsageError(`${q.message.replace(/[?:]\s*$/, '')}: confirmation needed.`, `Pass ${q.flag} to proceed without a prompt, or --dry-run to only see the plan.`);
		},
		async note(title, body) {
			write(`${title}\n${body}`);
		},
	};
}
