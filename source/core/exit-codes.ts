/** Exit codes, documented in the README (gh-style fixed codes). */
export const EXIT = {
	ok: 0,
	failed: 1,
	usage: 2,
	/** The terminal went away (SIGHUP): 128 + 1, as a shell reports a process ended by SIGHUP. */
	hangup: 129,
	/** Ctrl-C, SIGTERM, or `q`. */
	cancelled: 130,
} as const;

/** The exit code of a run that a signal ended: SIGHUP 129; SIGINT and SIGTERM count as a cancel (130). */
export function exitCodeForSignal(signal: NodeJS.Signals): ExitCode {
	return signal === 'SIGHUP' ? EXIT.hangup : EXIT.cancelled;
}

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
