/**
 * Words a person reads on the proven paths, in a real terminal (tmux) at 80×24: counts as words
 * ("1 change", never "1 change(s)"), no HTTP library error text (ECONNREFUSED) inside a sentence,
 * and no internal check ids in the doctor's sentences.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {closedPort, pageToQuestion, paneWords, runCliAs} from '../support/person.js';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

describe.skipIf(!support.run)('words on the paths (tmux, 80×24)', () => {
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

	it('undo ends with "1 change", never "1 change(s)"', async () => {
		run = PtyRun.prepare();
		const r = run;
		const created = await runCliAs(r, ['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--yes']);
		expect(created.code, created.stdout + created.stderr).toBe(0);
		r.start({args: ['undo'], cols: 80, rows: 24});
		await pageToQuestion(r, /\? Apply the 1 change/);
		r.press('y');
		const {code} = await r.waitForExit(20_000);
		expect(code).toBe(0);
		const words = paneWords(r.screen());
		expect(words).toMatch(/Done: Reverted/);
		expect(words).not.toContain('change(s)');
	});

	it("step 4's failure on a dead URL says it in words, without the HTTP library's error text", async () => {
		const dead = `http://127.0.0.1:${await closedPort()}`;
		run = PtyRun.start({args: ['setup', '--role', 'client', '--url', dead, '--ollama-here'], cols: 80, rows: 24});
		const r = run;
		const failed = await r.waitFor(/r: retry it/);
		const words = paneWords(failed);
		expect(words).toContain('Nothing is listening on');
		expect(words).not.toMatch(/ECONNREFUSED|connect E[A-Z]+/);
		r.press('q');
		await r.waitForExit();
	});

	it("doctor's diagnosis names checks by their titles, not their ids", async () => {
		run = PtyRun.start({args: ['doctor', '--role', 'client', '--url', server.url, '--ollama-here'], cols: 80, rows: 24});
		const r = run;
		const screen = await r.waitFor(/f fix it/);
		expect(paneWords(screen)).toMatch(/Diagnosis/);
		expect(screen).not.toMatch(/\b(ailice\.base-url|ailice\.model|network\.test|twingate\.client):/);
		r.press('q');
		await r.waitForExit();
	});
});
