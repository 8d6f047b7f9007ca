/**
 * Text fields as a person uses them, in a real terminal (tmux) at 80×24: a typo fixed with a burst
 * of Backspaces sent in one go, Ctrl-U to clear and retype, a long paste (with and without a
 * trailing newline), and a default that typing replaces instead of extending.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {pageToQuestion} from '../support/person.js';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

/** The row of the text field ("› …") on screen. */
function fieldRow(screen: string): string {
	return (
		screen
			.split('\n')
			.reverse()
			.find((l) => /(^|\s)› /.test(l) && !/› \d /.test(l)) ?? ''
	);
}

/** The text after "› " on the field's row, inside its pane's border (the cursor cell is a trailing blank). */
function fieldText(screen: string): string {
	const row = fieldRow(screen);
	return row
		.slice(row.lastIndexOf('› ') + 2)
		.replace(/│.*$/u, '')
		.trimEnd();
}

describe.skipIf(!support.run)('text input in a real terminal (tmux, 80×24)', () => {
	let server: FakeOllama;
	let run: PtyRun | undefined;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterAll(async () => {
		await server.close();
	});
	afterEach(() => {
		run?.close();
		run = undefined;
	});

	it('test: a typo fixed by a burst of Backspaces, Ctrl-U, a long paste refused, the URL pasted with its newline → exit 0', async () => {
		run = PtyRun.start({args: ['test'], cols: 80, rows: 24});
		const r = run;
		await r.waitFor('? Ollama URL');

		// A typo at the end, then two Backspaces in one send-keys (one read for the CLI).
		r.type(`${server.url}/x`);
		await r.waitFor((s) => fieldText(s) === `${server.url}/x`);
		r.press('BSpace', 'BSpace');
		let screen = await r.waitFor((s) => fieldText(s) === server.url);
		expect(screen).not.toContain('^?');

		// Ctrl-U clears the field (no "u" typed), then a retyped value.
		r.press('C-u');
		await r.waitFor((s) => fieldText(s) === '');
		r.type('http://wrong-host');
		await r.waitFor((s) => fieldText(s) === 'http://wrong-host');
		// Ctrl-W deletes the previous word, here the whole URL.
		r.press('C-w');
		await r.waitFor((s) => fieldText(s) === '');

		// A long paste (one write) stays on one row, scrolled to its end, and is refused with the reason.
		const long = `ollama-${'a'.repeat(150)}.example.internal:11434`;
		r.type(long);
		screen = await r.waitFor((s) => fieldText(s).endsWith('.example.internal:11434'));
		expect(fieldText(screen)).toMatch(/^…a+\.example\.internal:11434$/);
		expect(screen.split('\n').every((l) => l.length <= 80)).toBe(true);
		r.press('Enter');
		screen = await r.waitFor(/✗ The URL[\s\S]*no scheme/u);
		expect(fieldText(screen)).toMatch(/^…a+\.example\.internal:11434$/);
		expect(r.exitCode()).toBeNull();

		// Ctrl-U, then the right URL pasted with its trailing newline: the paste submits.
		r.press('C-u');
		await r.waitFor((s) => fieldText(s) === '' && !s.includes('✗ The URL'));
		r.type(`${server.url}\r`);
		const {code} = await r.waitForExit(20_000);
		screen = r.screen();
		expect(code, screen).toBe(0);
		expect(screen).toMatch(/›✓6|6 ✓ Test the connection/); // at 80 columns the step list is one line
		expect(screen).toMatch(/Done: ✓ 1 passed/);
		expect(screen).not.toContain('✗ The URL');
		expect(server.requests.some((q) => q.path === '/api/version' || q.path === '/api/tags')).toBe(true);
	});

	it('setup: the default provider is a placeholder; a pasted name replaces it and is what config.json gets', async () => {
		run = PtyRun.start({args: ['setup', '--role', 'client', '--url', server.url, '--ollama-here', '--model', 'llama3.2:latest'], cols: 80, rows: 24});
		const r = run;
		const asking = await r.waitFor("? Provider name in AIlice's config.json");
		expect(fieldText(asking)).toBe('ollama');

		// A name pasted over the placeholder, with a burst of Backspaces fixing its end in one read.
		const name = `tunnel-${'b'.repeat(48)}-lan`;
		r.type(`${name}zz\u007F\u007F`);
		let screen = await r.waitFor((s) => fieldText(s).endsWith('-lan'));
		expect(fieldText(screen)).not.toContain('ollama');
		expect(fieldText(screen)).not.toContain('z');
		// Home and Ctrl-E move without changing the text; then Enter.
		r.press('Home');
		r.press('C-e');
		r.press('Enter');
		screen = await r.waitFor('? Make llama3.2:latest');
		r.press('y');
		await r.waitFor('? Also write OLLAMA_BASE_URL');
		r.press('n');
		// The plan is paged before its confirmation: space to its last page, where the question is.
		const {screen: page} = await pageToQuestion(r, /\? Apply /);
		expect(page).toMatch(/\? Apply /);
		r.press('y');
		await r.waitFor('? Generate the');
		r.press('n');
		const {code} = await r.waitForExit(30_000);
		screen = r.screen();
		expect(code, screen).toBe(0);

		const config = JSON.parse(readFileSync(path.join(r.configHome, 'ailice', 'config.json'), 'utf8')) as {models: Record<string, {baseURL: string}>};
		expect(Object.keys(config.models)).toContain(name);
		expect(config.models[name]).toMatchObject({baseURL: `${server.url}/v1`});
		expect(Object.keys(config.models).some((k) => k.startsWith('ollama') && k !== 'ollama')).toBe(false);
		// eslint-disable-next-line no-control-regex -- no control character may reach the file
		expect(JSON.stringify(config)).not.toMatch(/[\u0000-\u001f\u007f]/);
	});
});
