/**
 * A fake command runner fed with expected commands and their real recorded outputs. Any command it
 * was not told to expect fails the test (gh `internal/run/stub.go`, Flutter's fake process manager).
 */
import type {CommandOptions, CommandResult, CommandRunner} from '../../source/core/context.js';

export interface ExpectedCommand {
	argv: string[];
	stdout?: string;
	stderr?: string;
	exitCode?: number | null;
	notFound?: boolean;
	timedOut?: boolean;
	/** Allow this command to be called any number of times (default: exactly once). */
	repeat?: boolean;
	/** Check the options the command was called with (e.g. stdin input). */
	check?: (opts: CommandOptions | undefined) => void;
}

export class UnexpectedCommandError extends Error {}

export class FakeRunner {
	readonly calls: {argv: string[]; opts?: CommandOptions}[] = [];
	readonly #expected: (ExpectedCommand & {used: number})[] = [];
	readonly #unexpected: string[] = [];

	expect(...commands: ExpectedCommand[]): this {
		for (const c of commands) this.#expected.push({...c, used: 0});
		return this;
	}

	readonly run: CommandRunner = async (cmd, args, opts) => {
		const argv = [cmd, ...args];
		this.calls.push({argv, opts});
		const key = JSON.stringify(argv);
		const match = this.#expected.find((e) => JSON.stringify(e.argv) === key && (e.repeat || e.used === 0));
		if (!match) {
			this.#unexpected.push(argv.join(' '));
			throw new UnexpectedCommandError(`unexpected command: ${argv.join(' ')}`);
		}
		match.used++;
		match.check?.(opts);
		const result: CommandResult = {
			exitCode: match.notFound ? null : (match.exitCode ?? 0),
			stdout: match.stdout ?? '',
			stderr: match.stderr ?? '',
			durationMs: 1,
			timedOut: Boolean(match.timedOut),
			notFound: Boolean(match.notFound),
		};
		return result;
	};

	/** Fails when a command was unexpected or an expected one was never run. */
	assertDone(): void {
		if (this.#unexpected.length) throw new UnexpectedCommandError(`unexpected commands: ${this.#unexpected.join('; ')}`);
		const pending = this.#expected.filter((e) => !e.repeat && e.used === 0);
		if (pending.length) throw new Error(`expected commands never ran: ${pending.map((p) => p.argv.join(' ')).join('; ')}`);
	}
}
