/** Exit codes, documented in the README (gh-style fixed codes). */
export const EXIT = {
	ok: 0,
	failed: 1,
	usage: 2,
	cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A user error: bad flag, bad value, missing answer in non-interactive mode. Printed without a stack. */
export class UsageError extends Error {
	readonly exitCode = EXIT.usage;
	constructor(
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'UsageError';
	}
}

/** The user cancelled (Ctrl-C, `q`, declined a prompt that was required). */
export class CancelledError extends Error {
	readonly exitCode = EXIT.cancelled;
	constructor(message = 'Cancelled.') {
		super(message);
		this.name = 'CancelledError';
	}
}
