/**
 * `doctor` with a fault, as a person drives it in a real terminal (tmux) at 80×24 and 100×32:
 * the live check panes, the one diagnosis sentence and its Fix, `f` offered because a wizard step
 * owns the fix; `f` shows that step's plan (paged before its confirmation), `y` applies it, the
 * checks run again and the before/after is shown; `q` ends with exit 0 and the file is written.
 *
 * The fault: AIlice's config.json is gone (an earlier `configure-ailice` recorded its answers in the
 * journal). A second test: a fresh machine with no journal, where step 4 needs a model it was never
 * told: `f` must ask for it (a person is at the terminal), not fail for want of an answer.
 */
import {existsSync, readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {frameRows, pageToQuestion, paneWords, runCliAs, SIZES, think} from '../support/person.js';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

const DIAGNOSIS = "AIlice's config.json has no working Ollama provider";

describe.skipIf(!support.run)('doctor with a fault, and f (tmux)', () => {
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

	/** Starts doctor and waits for its diagnosis with `f` offered. */
	async function diagnosed(r: PtyRun, cols: number, rows: number): Promise<string> {
		r.start({args: ['doctor', '--role', 'client', '--url', server.url, '--ollama-here'], cols, rows});
		const screen = await r.waitFor((s) => s.includes('press f') && /f fix it/.test(s));
		const words = paneWords(screen);
		expect(screen).toMatch(/Doctor checks · \d+ of \d+ done/);
		expect(words).toContain(`Diagnosis (AIlice config): ${DIAGNOSIS}`);
		expect(words).toMatch(/Fix: Run step 4/);
		expect(words).toContain("press f: the wizard fixes it with step 4 (AIlice's config.json)");
		expect(screen).toMatch(/Doctor found problems: .*✗ 1 failed/);
		expect(frameRows(screen)).toBeLessThan(rows);
		// Doctor waits for the person: nothing is changed yet.
		expect(r.exitCode()).toBeNull();
		expect(existsSync(path.join(r.configHome, 'ailice', 'config.json'))).toBe(false);
		return screen;
	}

	for (const [cols, rows] of SIZES) {
		it(`${cols}×${rows}: config.json gone → the diagnosis and f; f pages step 4's plan, y applies it, the re-check passes (before/after), exit 0`, async () => {
			run = PtyRun.prepare();
			const r = run;
			const first = await runCliAs(r, ['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--set-default', '--yes']);
			expect(first.code, first.stdout + first.stderr).toBe(0);
			const configFile = path.join(r.configHome, 'ailice', 'config.json');
			rmSync(configFile);

			await diagnosed(r, cols, rows);
			await think(300);
			r.press('f');
			// The fix is step 4's own plan, paged before its confirmation, which every frame keeps on screen.
			const {screen: confirm, pages} = await pageToQuestion(r, /\? Apply the 1 change/);
			for (const page of pages) expect(frameRows(page)).toBeLessThan(rows);
			expect(pages.join('\n')).toMatch(/create .*config\.json/);
			expect(confirm).toContain('? Apply the 1 change');
			r.press('y');

			const fixed = await r.waitFor('Fixed: ');
			const words = paneWords(fixed);
			expect(words).toContain("✓ Fixed: Fix by step 4 (AIlice's config.json) was applied and the re-check passed.");
			expect(words).toContain(`Before: ${DIAGNOSIS}`);
			expect(words).toContain('After: All required checks passed.');
			expect(words).toMatch(/AIlice's baseURL points at Ollama and ends in \/v1: fail → ok/);
			expect(fixed).toMatch(/Doctor finished: ✓ \d+ ok/);
			r.press('q');
			const {code} = await r.waitForExit();
			expect(code, r.screen()).toBe(0);
			const config = JSON.parse(readFileSync(configFile, 'utf8')) as {models: Record<string, {baseURL: string; modelList: Record<string, unknown>}>};
			expect(config.models.ollama?.baseURL).toBe(`${server.url}/v1`);
			expect(Object.keys(config.models.ollama?.modelList ?? {})).toEqual(['llama3.2:latest']);
		});
	}

	it('100×32: no journal (nothing told step 4 which model) → f asks for the model instead of failing for want of an answer', async () => {
		run = PtyRun.prepare();
		const r = run;
		await diagnosed(r, 100, 32);
		r.press('f');
		const asked = await r.waitFor(/\? Which model should AIlice use\?|Fix by step 4/);
		// A person is at the terminal: a missing answer is asked, never a dead end.
		expect(paneWords(asked)).not.toContain('No model was chosen for AIlice');
		expect(asked).toContain('? Which model should AIlice use?');
		r.press('Enter');
		await r.waitFor('? Also add the other 1 model');
		r.press('n');
		const {screen} = await pageToQuestion(r, /\? Apply the 1 change|\? Provider name|\? Make llama3\.2:latest/);
		expect(screen).toMatch(/\?/);
	});
});
