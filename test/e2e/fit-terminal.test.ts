/**
 * Screens that fit the terminal, in a real terminal (tmux): at 80×24 and 100×32 every screen is
 * shorter than the terminal, so the user's scrollback (lines printed before the wizard started)
 * survives key presses; a long plan is paged before its confirmation; a tiny terminal gets a
 * sentence with the way to the plain view; NO_COLOR draws no colour; TERM=dumb gets the plain view;
 * after a resize the frame fits again.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {CLI} from '../support/cli.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

function sq(s: string): string {
	return `'${s.replace(/'/g, `'\\''`)}'`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A tmux session with scrollback (history) that prints marker lines, then runs the CLI. */
class Term {
	readonly dir = mkdtempSync(path.join(os.tmpdir(), 'otw-fit-'));
	readonly #socket = path.join(this.dir, 'tmux.sock');
	readonly #exit = path.join(this.dir, 'exit-code');

	constructor(args: string[], opts: {cols: number; rows: number; env?: Record<string, string>; before?: number}) {
		const home = path.join(this.dir, 'home');
		mkdirSync(home, {recursive: true});
		const env: Record<string, string> = {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(this.dir, 'state'), PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, TERM: 'screen-256color', ...opts.env};
		const script = [
			'set -m',
			'unset CI CONTINUOUS_INTEGRATION FORCE_COLOR NO_COLOR',
			...Object.entries(env).map(([k, v]) => `export ${k}=${sq(v)}`),
			`cd ${sq(home)}`,
			`i=1; while [ $i -le ${opts.before ?? 0} ]; do echo "scrollback-before-the-wizard-$i"; i=$((i+1)); done`,
			`${sq(process.execPath)} ${sq(CLI)} ${args.map(sq).join(' ')}`,
			`echo "EXIT:$?" > ${sq(this.#exit)}`,
			'exec sleep 600',
		].join('\n');
		writeFileSync(path.join(this.dir, 'run.sh'), `${script}\n`);
		const conf = path.join(this.dir, 'tmux.conf');
		writeFileSync(conf, 'set -g status off\nset -g default-terminal "screen-256color"\nset -g history-limit 2000\n');
		execFileSync('tmux', ['-S', this.#socket, '-f', conf, 'new-session', '-d', '-s', 'w', '-x', String(opts.cols), '-y', String(opts.rows), `sh ${sq(path.join(this.dir, 'run.sh'))}`], {stdio: 'ignore'});
	}

	tmux(args: string[]): string {
		return execFileSync('tmux', ['-S', this.#socket, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
	}

	screen(): string {
		return this.tmux(['capture-pane', '-p', '-t', 'w']);
	}

	/** The screen and 200 lines of scrollback. */
	history(): string {
		return this.tmux(['capture-pane', '-p', '-t', 'w', '-S', '-200']);
	}

	/** The screen with its escape sequences (colours). */
	escapes(): string {
		return this.tmux(['capture-pane', '-p', '-e', '-t', 'w']);
	}

	async waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const screen = this.screen();
			if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) {
				await sleep(250);
				return this.screen();
			}
			if (Date.now() > deadline) throw new Error(`the screen never showed ${String(text)}; screen:\n${screen}`);
			await sleep(40);
		}
	}

	press(...keys: string[]): void {
		this.tmux(['send-keys', '-t', 'w', ...keys]);
	}

	type(text: string): void {
		this.tmux(['send-keys', '-t', 'w', '-l', text]);
	}

	resize(cols: number, rows: number): void {
		this.tmux(['resize-window', '-t', 'w', '-x', String(cols), '-y', String(rows)]);
	}

	async exitCode(timeoutMs = 15_000): Promise<number> {
		const deadline = Date.now() + timeoutMs;
		while (!existsSync(this.#exit)) {
			if (Date.now() > deadline) throw new Error(`the CLI did not exit; screen:\n${this.screen()}`);
			await sleep(40);
		}
		return Number(/EXIT:(\d+)/.exec(readFileSync(this.#exit, 'utf8'))?.[1]);
	}

	close(): void {
		try {
			this.tmux(['kill-server']);
		} catch {
			// already gone
		}
		rmSync(this.dir, {recursive: true, force: true});
	}
}

const ESC = String.fromCharCode(27);
/** A foreground colour code (ESC[31m, ESC[1;36m, 256-colour and true-colour forms, bright ones). */
const COLOUR = new RegExp(`${ESC}\\[(?:[0-9;]*;)?(?:3[0-79]|9[0-7]|38;[25])[;m]`);

/** The rows the wizard's frame takes: from its title line to the last non-empty row. */
function frameRows(screen: string): number {
	const rows = screen.split('\n');
	const first = rows.findIndex((r) => r.startsWith('ollama-tunnel-wizard'));
	let last = rows.length - 1;
	while (last > 0 && (rows[last] ?? '').trim() === '') last--;
	return first < 0 ? 0 : last - first + 1;
}

describe.skipIf(!support.run)('screens that fit the terminal (tmux)', () => {
	let server: FakeOllama;
	let term: Term | undefined;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterAll(async () => {
		await server.close();
	});
	afterEach(() => {
		term?.close();
		term = undefined;
	});

	for (const [cols, rows] of [
		[80, 24],
		[100, 32],
	] as const) {
		it(`${cols}×${rows}: the step-4 plan is paged before its confirmation, every frame fits, and the scrollback survives`, async () => {
			term = new Term(['setup', '--role', 'client', '--url', server.url, '--ollama-here', '--model', 'llama3.2:latest'], {cols, rows, before: 40});
			const t = term;
			await t.waitFor("? Provider name in AIlice's config.json");
			t.press('Enter');
			await t.waitFor("AIlice's default model");
			t.press('y');
			await t.waitFor('? Also write OLLAMA_BASE_URL');
			t.press('n');
			let screen = await t.waitFor(/Plan \(not applied yet\)/);
			expect(frameRows(screen)).toBeLessThan(rows);
			// The question comes only once the plan has been paged through.
			for (let i = 0; i < 12 && !screen.includes('? Apply'); i++) {
				expect(screen).toMatch(/… page \d+ of \d+ · space: next/);
				expect(frameRows(screen)).toBeLessThan(rows);
				t.press('Space');
				await sleep(150);
				screen = await t.waitFor(/… page|\? Apply/);
			}
			expect(screen).toContain('? Apply the 1 change');
			expect(screen).toMatch(/create .*config\.json/);
			expect(frameRows(screen)).toBeLessThan(rows);
			// Key presses redraw in place: what was printed before the wizard is still in the scrollback.
			const history = t.history();
			expect(history).toContain('scrollback-before-the-wizard-1');
			expect(history).toContain('scrollback-before-the-wizard-40');
			t.press('y');
			await t.waitFor('? Generate the production container');
			t.press('n');
			expect(await t.exitCode(20_000)).toBe(0);
			expect(t.history()).toContain('scrollback-before-the-wizard-1');
		});
	}

	it('59×14: says the terminal is too small and names --plain; q quits', async () => {
		term = new Term(['test'], {cols: 59, rows: 14});
		const screen = await term.waitFor('too small');
		expect(screen.replace(/\s+/g, ' ')).toContain('--plain');
		term.press('q');
		expect(await term.exitCode()).toBe(130);
	});

	it('NO_COLOR: no colour codes in the full-screen UI', async () => {
		term = new Term(['test'], {cols: 100, rows: 32, env: {NO_COLOR: '1'}});
		await term.waitFor('? Ollama URL');
		const escapes = term.escapes();
		expect(escapes).not.toMatch(COLOUR);
		term.press('C-c');
		expect(await term.exitCode()).toBe(130);
	});

	it('without NO_COLOR the same screen has colour (the check above can see it)', async () => {
		term = new Term(['test'], {cols: 100, rows: 32});
		await term.waitFor('? Ollama URL');
		expect(term.escapes()).toMatch(COLOUR);
		term.press('C-c');
		expect(await term.exitCode()).toBe(130);
	});

	it('NO_COLOR with --plain: no colour codes in the line-by-line view either', async () => {
		term = new Term(['test', '--plain', '--url', server.url], {cols: 100, rows: 32, env: {NO_COLOR: '1'}});
		expect(await term.exitCode(20_000)).toBe(0);
		const escapes = term.escapes();
		expect(escapes).toContain('Step 6');
		expect(escapes).not.toMatch(COLOUR);
	});

	it('TERM=dumb gets the plain view (no full-screen frame, no box drawing)', async () => {
		term = new Term(['test', '--url', server.url], {cols: 100, rows: 32, env: {TERM: 'dumb'}});
		expect(await term.exitCode(20_000)).toBe(0);
		const screen = term.history();
		expect(screen).toMatch(/✓ Step 6 · Test the connection/);
		expect(screen).not.toContain('╭');
	});

	it('a resize mid-run (100×32 → 80×24 → 100×32): the frame fits again each time', async () => {
		term = new Term(['setup', '--role', 'client', '--url', server.url, '--ollama-here', '--model', 'llama3.2:latest'], {cols: 100, rows: 32});
		const t = term;
		let screen = await t.waitFor("? Provider name in AIlice's config.json");
		expect(frameRows(screen)).toBeLessThan(32);
		t.resize(80, 24);
		screen = await t.waitFor(/^Steps: /m);
		expect(frameRows(screen)).toBeLessThan(24);
		expect(screen).toContain("? Provider name in AIlice's config.json");
		t.resize(100, 32);
		screen = await t.waitFor(/╭─+╮╭/);
		expect(frameRows(screen)).toBeLessThan(32);
		expect(screen).toContain("? Provider name in AIlice's config.json");
		t.press('C-c');
		expect(await t.exitCode()).toBe(130);
	});
});
