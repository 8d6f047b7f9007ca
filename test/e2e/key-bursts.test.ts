/**
 * Keys that arrive together, in a real terminal (tmux) at 80×24: a fast typist (or a terminal that
 * is busy for a moment) delivers Enter and the next answer in one read. Each key must count, at a
 * choice, at a yes/no question and at a text field, as it does when the keys come one by one.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

describe.skipIf(!support.run)('key bursts at each kind of question (tmux, 80×24)', () => {
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

	function start(): PtyRun {
		run = PtyRun.start({args: ['setup', '--role', 'client', '--url', server.url, '--ollama-here'], cols: 80, rows: 24});
		return run;
	}

	it('a choice: Enter and "n" in one write pick the model and answer the next question', async () => {
		const r = start();
		await r.waitFor('? Which model should AIlice use?');
		r.type('\rn');
		const screen = await r.waitFor(/\? Provider name in AIlice's config\.json|\? Also add the other 1 model/, 5000);
		expect(screen).toContain("? Provider name in AIlice's config.json");
	});

	it('a choice: Enter alone in one write with nothing after it picks the model', async () => {
		const r = start();
		await r.waitFor('? Which model should AIlice use?');
		r.type('\r');
		await r.waitFor('? Also add the other 1 model', 5000);
	});

	it('a yes/no: "n" and Enter in one write answer it', async () => {
		const r = start();
		await r.waitFor('? Which model should AIlice use?');
		r.press('Enter');
		await r.waitFor('? Also add the other 1 model');
		r.type('n\r');
		await r.waitFor("? Provider name in AIlice's config.json", 5000);
	});

	it('a text field: Enter and "y" in one write accept the default and answer the next yes/no', async () => {
		const r = start();
		await r.waitFor('? Which model should AIlice use?');
		r.press('Enter');
		await r.waitFor('? Also add the other 1 model');
		r.press('n');
		await r.waitFor("? Provider name in AIlice's config.json");
		r.type('\ry');
		const screen = await r.waitFor(/\? Also write OLLAMA_BASE_URL|\? Make llama3\.2:latest/, 5000);
		expect(screen).toContain('? Also write OLLAMA_BASE_URL');
	});
});
