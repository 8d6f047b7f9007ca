/**
 * Typing as a person types, for the end-to-end path tests in tmux: letters one or two at a time with
 * a human pause between them (the CLI sees many small reads), a burst of keys in one write (what a
 * paste or a fast typist produces: one read), and paging a long plan to its confirmation.
 */
import {runCli, type CliResult} from './cli.js';
import type {PtyRun} from './pty.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Types `text` a character or two at a time, 15–45 ms apart (about 40–60 words a minute). */
export async function typeSlowly(r: PtyRun, text: string): Promise<void> {
	let i = 0;
	let n = 0;
	while (i < text.length) {
		const size = n % 3 === 2 ? 2 : 1;
		r.type(text.slice(i, i + size));
		i += size;
		n++;
		await sleep(15 + ((n * 7) % 31));
	}
}

/** A short human pause before the next key (reading the screen). */
export function think(ms = 120): Promise<void> {
	return sleep(ms);
}

/**
 * Pages a plan that is longer than the screen (space: next page) until its confirmation question
 * shows; returns the screen with the question and every page seen on the way.
 */
export async function pageToQuestion(r: PtyRun, question: string | RegExp, maxPages = 15): Promise<{screen: string; pages: string[]}> {
	const asks = (s: string) => (typeof question === 'string' ? s.includes(question) : question.test(s));
	let screen = await r.waitFor((s) => asks(s) || /space: next/.test(s));
	const pages = [screen];
	for (let i = 0; i < maxPages && !asks(screen); i++) {
		const before = screen;
		r.press('Space');
		screen = await r.waitFor((s) => s !== before);
		pages.push(screen);
	}
	if (!asks(screen)) throw new Error(`the question ${String(question)} never came after ${maxPages} pages; screen:\n${screen}`);
	return {screen, pages};
}

/** Runs the built CLI non-interactively (CI=true) with the same HOME, config and state folders as a PtyRun. */
export function runCliAs(r: PtyRun, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
	return runCli(args, {home: r.home, cwd: r.home, env: {OLLAMA_TUNNEL_WIZARD_STATE_DIR: r.stateDir, XDG_CONFIG_HOME: r.configHome, ...env}});
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound once, then closed). */
export async function closedPort(): Promise<number> {
	const net = await import('node:net');
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const address = s.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			s.close(() => resolve(port));
		});
	});
}

/** The sizes every path is proven at. */
export const SIZES = [
	[80, 24],
	[100, 32],
] as const;

/** The rows the wizard's frame takes: from its title line to the last non-empty row. */
export function frameRows(screen: string): number {
	const rows = screen.split('\n');
	const first = rows.findIndex((row) => row.startsWith('ollama-tunnel-wizard'));
	let last = rows.length - 1;
	while (last > 0 && (rows[last] ?? '').trim() === '') last--;
	return first < 0 ? 0 : last - first + 1;
}

/**
 * The step pane's words as one line: on each row the text of the rightmost pane (after the step
 * list's column, if there is one), rows joined and spaces collapsed, so a sentence wrapped at any
 * width reads whole.
 */
export function paneWords(screen: string): string {
	return screen
		.split('\n')
		.map((row) => {
			const inner = row.includes('││') ? row.slice(row.lastIndexOf('││') + 2) : row.replace(/^│/, '');
			return inner.replace(/│\s*$/, '');
		})
		.join(' ')
		.replace(/\s+/g, ' ');
}
