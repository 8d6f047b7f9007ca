/**
 * `undo`, as a person drives it in a real terminal (tmux) at 80×24 and 100×32: a script changed
 * AIlice's existing config.json (`configure-ailice --yes`, which keeps a backup); `undo` shows the
 * plan with its diff, paged before the confirmation, every secret value masked (the user's own API
 * key of another provider is in that file); `y` restores the file byte for byte, exit 0. A second
 * case: the run created config.json, and undo removes it.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {frameRows, pageToQuestion, paneWords, runCliAs, SIZES, think} from '../support/person.js';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

const SECRET = 'sk-or-v1-0123456789abcdefSECRET';
const ORIGINAL = `${JSON.stringify({modelID: 'oai:gpt-4o', models: {oai: {modelWrapper: 'AModelChatGPT', apikey: SECRET, baseURL: 'https://api.openai.com/v1', modelList: {}}}}, null, 2)}\n`;

describe.skipIf(!support.run)('undo (tmux)', () => {
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

	for (const [cols, rows] of SIZES) {
		it(`${cols}×${rows}: the plan with the diff (secrets masked), y restores config.json as it was, exit 0`, async () => {
			run = PtyRun.prepare();
			const r = run;
			const configFile = path.join(r.configHome, 'ailice', 'config.json');
			mkdirSync(path.dirname(configFile), {recursive: true});
			writeFileSync(configFile, ORIGINAL, {mode: 0o600});
			const changed = await runCliAs(r, ['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--set-default', '--yes']);
			expect(changed.code, changed.stdout + changed.stderr).toBe(0);
			expect(readFileSync(configFile, 'utf8')).toContain(`${server.url}/v1`);

			r.start({args: ['undo'], cols, rows});
			const {screen: confirm, pages} = await pageToQuestion(r, /\? Apply the 1 change/);
			const all = pages.join('\n');
			for (const page of pages) expect(frameRows(page)).toBeLessThan(rows);
			// The plan: the file, that its backup is restored, and the diff (the Ollama provider goes away).
			expect(paneWords(pages[0] ?? '')).toMatch(/change .*config\.json/);
			expect(paneWords(all)).toMatch(/restore the backup/);
			expect(all).toMatch(/ -\s+"ollama": \{/);
			expect(all).toContain('https://api.openai.com/v1');
			// Secret values are masked everywhere on screen; the mask shows where they are.
			expect(all).not.toContain(SECRET);
			expect(all).not.toContain(SECRET.slice(0, 12));
			expect(all).toContain('"apikey": "••••"');
			expect(confirm).toMatch(/change .*config\.json/);
			await think(250);
			r.press('y');

			const {code} = await r.waitForExit(20_000);
			const done = r.screen();
			expect(code, done).toBe(0);
			expect(paneWords(done)).toMatch(/The changes of run \S+ are reverted/);
			expect(done).toMatch(/Done: Reverted the changes of run/);
			expect(done).not.toContain(SECRET.slice(0, 12));
			expect(readFileSync(configFile, 'utf8')).toBe(ORIGINAL);
		});
	}

	it('80×24: the run created config.json; undo removes it, exit 0', async () => {
		run = PtyRun.prepare();
		const r = run;
		const configFile = path.join(r.configHome, 'ailice', 'config.json');
		const created = await runCliAs(r, ['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--yes']);
		expect(created.code, created.stdout + created.stderr).toBe(0);
		expect(existsSync(configFile)).toBe(true);

		r.start({args: ['undo'], cols: 80, rows: 24});
		const {pages} = await pageToQuestion(r, /\? Apply the 1 change/);
		expect(paneWords(pages.join('\n'))).toMatch(/(remove|delete) .*config\.json/);
		r.press('y');
		const {code} = await r.waitForExit(20_000);
		expect(code, r.screen()).toBe(0);
		expect(existsSync(configFile)).toBe(false);
	});
});
