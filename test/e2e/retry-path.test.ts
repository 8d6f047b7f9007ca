/**
 * A failed step retried with a new answer, as a person drives it in a real terminal (tmux) at 80×24
 * and 100×32: client setup with a URL where nothing listens, step 4 fails and waits with its reason
 * and Fix; `r` brings the URL question back with the old URL as its default; Ctrl-U clears it, the
 * right URL is typed key by key, and the step passes; exit 0 with config.json pointing at the
 * right server.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {closedPort, frameRows, pageToQuestion, paneWords, SIZES, think, typeSlowly} from '../support/person.js';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

/** The text after "› " on the field's row, inside its pane's border. */
function fieldText(screen: string): string {
	const row =
		screen
			.split('\n')
			.reverse()
			.find((l) => /(^|\s)› /.test(l) && !/› \d /.test(l)) ?? '';
	return row
		.slice(row.lastIndexOf('› ') + 2)
		.replace(/│.*$/u, '')
		.trimEnd();
}

describe.skipIf(!support.run)('a failed step retried with a new answer (tmux)', () => {
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
		it(`${cols}×${rows}: step 4 fails on a dead URL, r re-asks it with the old URL as default, the new URL passes, exit 0`, async () => {
			const dead = `http://127.0.0.1:${await closedPort()}`;
			run = PtyRun.start({args: ['setup', '--role', 'client'], cols, rows});
			const r = run;

			await r.waitFor('? Ollama URL');
			// The first URL is pasted with its newline: one write, one read for the CLI, and it submits.
			r.type(`${dead}\r`);
			await r.waitFor('is this machine. Does Ollama run on');
			r.press('y');

			// The step fails and waits: its reason, its Fix, and the keys to go on.
			const failed = await r.waitFor(/r: retry it/);
			const words = paneWords(failed);
			expect(words).toContain(`✗ The model list could not be read from ${dead}`);
			expect(words).toContain('Nothing is listening on');
			expect(words).toMatch(/Fix: Start Ollama/);
			expect(words).toContain('r: retry it · enter: continue with step 5');
			expect(frameRows(failed)).toBeLessThan(rows);
			expect(r.exitCode()).toBeNull();
			expect(existsSync(path.join(r.configHome, 'ailice', 'config.json'))).toBe(false);
			await think(300);

			// r: the failed step's first question again, the previous answer as its default.
			r.press('r');
			const again = await r.waitFor((s) => s.includes('? Ollama URL') && fieldText(s) === dead);
			expect(fieldText(again)).toBe(dead);
			// Ctrl-U clears whatever is in the field (the old URL shows as the default: Enter would keep it).
			r.press('C-u');
			await think(150);
			await typeSlowly(r, server.url);
			await r.waitFor((s) => fieldText(s) === server.url);
			r.press('Enter');
			await r.waitFor('is this machine. Does Ollama run on');
			r.press('y');

			// The new URL answers: the model list comes from that server.
			const model = await r.waitFor('? Which model should AIlice use?');
			expect(model).toContain('❯ llama3.2:latest');
			r.press('Enter');
			await r.waitFor('? Also add the other 1 model');
			r.press('n');
			await r.waitFor("? Provider name in AIlice's config.json");
			r.press('Enter');
			await r.waitFor("? Make llama3.2:latest AIlice's default model");
			r.press('y');
			await r.waitFor('? Also write OLLAMA_BASE_URL');
			r.press('n');
			const {pages} = await pageToQuestion(r, '? Apply the 1 change');
			expect(pages.join('\n')).toContain(`"baseURL": "${server.url}/v1"`);
			r.press('y');
			const passed = await r.waitFor('? Generate the production container');
			expect(passed).toMatch(/✓4|4 ✓ AIlice's config\.json/);
			r.press('n');

			const {code} = await r.waitForExit(30_000);
			const done = r.screen();
			expect(code, done).toBe(0);
			expect(done).toContain(`Ollama 0.17.2 at ${server.url} answers`);
			expect(done).toMatch(/Done: ✓ 2 passed/);
			expect(done).not.toMatch(/✗ \d+ failed/);

			const config = JSON.parse(readFileSync(path.join(r.configHome, 'ailice', 'config.json'), 'utf8')) as {models: Record<string, {baseURL: string; modelList: Record<string, unknown>}>};
			expect(config.models.ollama?.baseURL).toBe(`${server.url}/v1`);
			expect(Object.keys(config.models.ollama?.modelList ?? {})).toEqual(['llama3.2:latest']);
			expect(JSON.stringify(config)).not.toContain(dead);
		});
	}
});
