/**
 * --plain on a real terminal (tmux) pauses at a failed step too: client setup with a URL where
 * nothing listens, step 4 fails and asks "r: retry with other answers, c: continue, q: stop"; r asks
 * the URL again with the old one as its default; the fake Ollama's URL passes; exit 0 with
 * config.json pointing at that server.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {closedPort, think, typeSlowly} from '../support/person.js';
import {PtyRun, ptySupport, type ScreenMatch} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

/** The text from the last occurrence of `marker` on (the plain view scrolls), wrapped lines joined. */
function after(screen: string, marker: string): string {
	const text = screen.replace(/\n/g, '');
	const at = text.lastIndexOf(marker);
	return at < 0 ? '' : text.slice(at);
}

describe.skipIf(!support.run)('--plain: a failed step retried with other answers (tmux)', () => {
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

	it('setup --plain: step 4 fails on a dead URL, r asks the URL again with the old one as default, the fake Ollama passes, exit 0', async () => {
		const dead = `http://127.0.0.1:${await closedPort()}`;
		run = PtyRun.start({args: ['setup', '--plain', '--role', 'client'], cols: 120, rows: 40});
		const r = run;
		const answer = async (question: ScreenMatch, keys: string) => {
			await r.waitFor(question);
			await think(100);
			if (keys) r.type(keys);
			r.press('Enter');
		};

		await answer('? Ollama URL', dead);
		await answer('is this machine. Does Ollama run on', 'y');

		// The step fails, says why, and asks what to do.
		const failed = await r.waitFor('Step 4 failed. r: retry with other answers, c: continue, q: stop');
		expect(failed).toContain(`The model list could not be read from ${dead}`);
		expect(failed).toContain('r: retry with other answers');
		expect(r.exitCode()).toBeNull();
		expect(existsSync(path.join(r.configHome, 'ailice', 'config.json'))).toBe(false);
		await think(200);
		r.type('r');
		await think(100);
		r.press('Enter');

		// The URL again, the previous answer as its default; typing replaces it.
		const again = await r.waitFor((s) => after(s, 'r: retry with other answers').includes('? Ollama URL'));
		expect(after(again, 'r: retry with other answers')).toContain(`(${dead})`);
		await typeSlowly(r, server.url);
		r.press('Enter');
		await answer((s) => after(s, 'r: retry with other answers').includes('is this machine. Does Ollama run on'), 'y');
		await answer('? Which model should AIlice use?', '');
		await answer('? Also add the other 1 model', 'n');
		await answer("? Provider name in AIlice's config.json", '');
		await answer("? Make llama3.2:latest AIlice's default model", 'y');
		await answer('? Also write OLLAMA_BASE_URL', 'n');
		await answer('? Apply the 1 change', 'y');
		await answer('? Generate the production container', 'n');

		const {code} = await r.waitForExit(30_000);
		const done = r.screen();
		expect(code, done).toBe(0);
		expect(done).toContain(`Ollama 0.17.2 at ${server.url} answers`);
		expect(done).toContain('Done.');

		const config = JSON.parse(readFileSync(path.join(r.configHome, 'ailice', 'config.json'), 'utf8')) as {models: Record<string, {baseURL: string}>};
		expect(config.models.ollama?.baseURL).toBe(`${server.url}/v1`);
		expect(JSON.stringify(config)).not.toContain(dead);
	});
});
