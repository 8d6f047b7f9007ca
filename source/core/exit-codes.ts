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

/**
 * How a run ended, as exitCodeFor reads it: the error it stopped with (the key present: an error was thrown); cancelled (Ctrl-C,
 * SIGTERM, `q`); failed (a step or check failed).
 */
export interface RunEnd {
	error?: unknown;
	cancelled?: boolean;
	failed?: boolean;
}

/**
 * The one mapping from how a run ended to its exit code: cancelled 130; a usage error 2; any other
 * error, or something failed, 1; else 0. (A SIGHUP's 129 is the entry point's: exitCodeForSignal.)
 * Only the entry point (source/cli.ts) exits with it.
 */
export function exitCodeFor(end: RunEnd): ExitCode {
	if (end.cancelled || end.error instanceof CancelledError) return EXIT.cancelled;
	if (end.error instanceof UsageError) return EXIT.usage;
	if ('error' in end || end.failed) return EXIT.failed;
	return EXIT.ok;
}

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
