/**
 * End-to-end under a real pseudo-terminal, through tmux: the built CLI runs in a
 * detached tmux session of its own (private socket, no user config, no status line) at 100×30 with
 * CI unset, so Ink renders interactively; the test types with `send-keys` and reads the screen with
 * `capture-pane`. Every wait polls for what the screen should show (no fixed sleeps).
 *
 * The CLI runs inside a small sh wrapper that, after it exits, records `stty -a` of the same
 * terminal and then the exit code (in that order, so the code file means both are there).
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {CLI} from './cli.js';

/** Is tmux installed? */
export function tmuxAvailable(): boolean {
	const r = spawnSync('tmux', ['-V'], {encoding: 'utf8'});
	return r.status === 0;
}

/**
 * Whether the PTY tests can run. Without tmux they are skipped with a visible reason, unless
 * WIZARD_REQUIRE_TOOLS is set (CI sets it), where a missing tmux fails the suite instead.
 */
export function ptySupport(): {run: true} | {run: false; reason: string} {
	if (tmuxAvailable()) return {run: true};
	if (process.env.WIZARD_REQUIRE_TOOLS) throw new Error('tmux is required for the end-to-end tests (WIZARD_REQUIRE_TOOLS is set) but is not installed');
	return {run: false, reason: 'tmux is not installed: the end-to-end tests in a pseudo-terminal are skipped (install tmux, or set WIZARD_REQUIRE_TOOLS=1 to make this an error)'};
}

export interface TerminalOptions {
	/** Arguments after `node dist/cli.js`. */
	args: string[];
	/** Extra environment for the CLI. */
	env?: Record<string, string>;
	/** Folders put first on PATH (fake commands). */
	pathPrepend?: string[];
	cols?: number;
	rows?: number;
}

const POLL_MS = 40;

function shQuote(s: string): string {
	return `'${s.replace(/'/g, `'\\''`)}'`;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export type ScreenMatch = string | RegExp | ((screen: string) => boolean);

function matches(screen: string, match: ScreenMatch): boolean {
	if (typeof match === 'string') return screen.includes(match);
	if (match instanceof RegExp) return match.test(screen);
	return match(screen);
}

/** One CLI run in its own tmux server, with its own HOME, XDG_CONFIG_HOME and state dir. */
export class PtyRun {
	/** A temp folder holding everything of this run. */
	readonly dir: string;
	readonly home: string;
	readonly configHome: string;
	readonly stateDir: string;
	readonly #socket: string;
	readonly #exitFile: string;
	readonly #sttyFile: string;
	#closed = false;

	private constructor(dir: string) {
		this.dir = dir;
		this.home = path.join(dir, 'home');
		this.configHome = path.join(this.home, '.config');
		this.stateDir = path.join(dir, 'state');
		this.#socket = path.join(dir, 'tmux.sock');
		this.#exitFile = path.join(dir, 'exit-code');
		this.#sttyFile = path.join(dir, 'stty-after');
		mkdirSync(this.home, {recursive: true});
		mkdirSync(this.stateDir, {recursive: true});
	}

	/** A run prepared but not started, so a test can put files (a journal, fake commands) in place first. */
	static prepare(): PtyRun {
		return new PtyRun(mkdtempSync(path.join(os.tmpdir(), 'otw-e2e-')));
	}

	/** Writes an executable script into `<dir>/bin` and returns that folder (for pathPrepend). */
	fakeCommand(name: string, script: string): string {
		const bin = path.join(this.dir, 'bin');
		mkdirSync(bin, {recursive: true});
		const file = path.join(bin, name);
		writeFileSync(file, script);
		chmodSync(file, 0o755);
		return bin;
	}

	start(opts: TerminalOptions): this {
		const cols = opts.cols ?? 100;
		const rows = opts.rows ?? 30;
		const env: Record<string, string> = {
			HOME: this.home,
			XDG_CONFIG_HOME: this.configHome,
			OLLAMA_TUNNEL_WIZARD_STATE_DIR: this.stateDir,
			PATH: [...(opts.pathPrepend ?? []), path.dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(':'),
			...opts.env,
		};
		const script = [
			// Job control, as in a user's shell: the CLI runs in its own process group, the terminal's
			// foreground group, so a Ctrl-C that is a real SIGINT (raw mode off) reaches it, not this wrapper.
			'set -m',
			// vitest runs with CI=true: the CLI must see a real interactive terminal.
			'unset CI CONTINUOUS_INTEGRATION FORCE_COLOR NO_COLOR',
			...Object.entries(env).map(([k, v]) => `export ${k}=${shQuote(v)}`),
			`cd ${shQuote(this.home)}`,
			`${shQuote(process.execPath)} ${shQuote(CLI)} ${opts.args.map(shQuote).join(' ')}`,
			'code=$?',
			`stty -a > ${shQuote(this.#sttyFile)} 2>&1`,
			`echo "EXIT:$code" > ${shQuote(this.#exitFile)}`,
			// Keep the pane (and its cursor state) for the test to inspect; close() ends it.
			'exec sleep 600',
		].join('\n');
		const runFile = path.join(this.dir, 'run.sh');
		writeFileSync(runFile, `${script}\n`);
		const conf = path.join(this.dir, 'tmux.conf');
		writeFileSync(conf, 'set -g status off\nset -g default-terminal "screen-256color"\nset -g history-limit 0\n');
		execFileSync('tmux', ['-S', this.#socket, '-f', conf, 'new-session', '-d', '-s', 'wizard', '-x', String(cols), '-y', String(rows), `sh ${shQuote(runFile)}`], {stdio: 'ignore'});
		return this;
	}

	/** Starts a CLI run: `PtyRun.prepare().start(opts)`. */
	static start(opts: TerminalOptions): PtyRun {
		return PtyRun.prepare().start(opts);
	}

	#tmux(args: string[]): string {
		return execFileSync('tmux', ['-S', this.#socket, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
	}

	/** The visible screen as text. */
	screen(): string {
		return this.#tmux(['capture-pane', '-p', '-t', 'wizard']);
	}

	/**
	 * Polls until the screen matches, then until it stops changing for two polls (so the prompt that
	 * was just drawn has subscribed to input before the next key); fails with the last screen.
	 */
	async waitFor(match: ScreenMatch, timeoutMs = 15_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let screen = this.screen();
		while (!matches(screen, match)) {
			if (this.exitCode() !== null && !matches(this.screen(), match)) {
				throw new Error(`the CLI exited (${this.exitCode()}) before the screen showed ${String(match)}; screen:\n${this.screen()}`);
			}
			if (Date.now() > deadline) throw new Error(`the screen never showed ${String(match)} within ${timeoutMs} ms; screen:\n${screen}`);
			await sleep(POLL_MS);
			screen = this.screen();
		}
		// Ink draws at most every ~34 ms, and a busy loop can delay the next frame: settle on two
		// unchanged polls in a row (or 600 ms of spinners).
		const settle = Date.now() + 600;
		let same = 0;
		for (;;) {
			await sleep(POLL_MS);
			const again = this.screen();
			same = again === screen ? same + 1 : 0;
			screen = again;
			if (same >= 2 || Date.now() > settle) return screen;
		}
	}

	/** Keys by tmux name (`Enter`, `Down`, `C-c`) or single characters. */
	press(...keys: string[]): void {
		this.#tmux(['send-keys', '-t', 'wizard', ...keys]);
	}

	/** Literal text, as typed. */
	type(text: string): void {
		this.#tmux(['send-keys', '-t', 'wizard', '-l', text]);
	}

	/** The CLI's exit code once it has exited, else null. */
	exitCode(): number | null {
		if (!existsSync(this.#exitFile)) return null;
		const m = /EXIT:(\d+)/.exec(readFileSync(this.#exitFile, 'utf8'));
		return m ? Number(m[1]) : null;
	}

	/** Waits for the CLI to exit; returns its exit code and how long the wait took. */
	async waitForExit(timeoutMs = 15_000): Promise<{code: number; waitedMs: number}> {
		const started = Date.now();
		for (;;) {
			const code = this.exitCode();
			if (code !== null) return {code, waitedMs: Date.now() - started};
			if (Date.now() - started > timeoutMs) throw new Error(`the CLI did not exit within ${timeoutMs} ms; screen:\n${this.screen()}`);
			await sleep(POLL_MS);
		}
	}

	/** `stty -a` of the terminal, taken right after the CLI exited. */
	sttyAfterExit(): string {
		return readFileSync(this.#sttyFile, 'utf8');
	}

	/** Whether the terminal's cursor is visible (tmux's cursor_flag). */
	cursorVisible(): boolean {
		return this.#tmux(['display-message', '-p', '-t', 'wizard', '#{cursor_flag}']).trim() === '1';
	}

	/** Ends the tmux server and removes the run's files. */
	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		try {
			this.#tmux(['kill-server']);
		} catch {
			// already gone
		}
		rmSync(this.dir, {recursive: true, force: true});
	}
}

/** The terminal modes a cooked, echoing shell needs: `icanon` and `echo` on (not `-icanon`, `-echo`). */
export function sttyFlag(stty: string, flag: string): boolean | null {
	const words = stty.split(/[\s;]+/);
	if (words.includes(flag)) return true;
	if (words.includes(`-${flag}`)) return false;
	return null;
}

/** Is a process with this PID alive? A zombie (exited, not yet reaped, e.g. under a PID 1 that does not reap) counts as gone. */
export function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return !/^\d+ \(.*\) [ZX] /s.test(stat);
	} catch {
		// No /proc at all (macOS): kill(0) said it exists. /proc without this PID: it ended just now.
		return !existsSync('/proc/self');
	}
}
