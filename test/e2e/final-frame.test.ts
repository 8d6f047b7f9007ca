/**
 * The end of a run in a real terminal (tmux): a failed step of the guided setup waits with its
 * reason and Fix (the user's report: `setup --role client --url http://127.0.0.1:1 --ollama-here
 * --model llama3.2`), and what follows the final frame (the log path) starts on a line of its own
 * even when that frame is as tall as the terminal.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

describe.skipIf(!support.run)('the end of a run in a real terminal (tmux)', () => {
	let run: PtyRun | undefined;
	afterEach(() => {
		run?.close();
		run = undefined;
	});

	it('a failed step of the setup waits with its reason and Fix; q stops there with exit 1', async () => {
		run = PtyRun.start({args: ['setup', '--role', 'client', '--url', 'http://127.0.0.1:1', '--ollama-here', '--model', 'llama3.2'], cols: 110, rows: 36});
		const r = run;
		await r.waitFor("? Provider name in AIlice's config.json");
		r.press('Enter');
		await r.waitFor("AIlice's default model");
		r.press('y');
		await r.waitFor('? Also write OLLAMA_BASE_URL');
		r.press('n');
		const failed = await r.waitFor('Step 4 failed.');
		expect(failed).toMatch(/› 4 ✗ AIlice's config\.json/);
		expect(failed).toContain('127.0.0.1:1');
		expect(failed).toContain('Fix: ');
		expect(failed).toContain('r retry step · enter continue');
		// Step 5's question does not come: the setup waits for the user.
		expect(failed).not.toContain('? Generate the production container');
		expect(r.exitCode()).toBeNull();
		r.press('q');
		const {code} = await r.waitForExit(10_000);
		expect(code).toBe(1);
		const screen = r.screen();
		expect(screen).toContain('Finished with problems: ✗ 1 failed');
		expect(screen).toMatch(/^Log: /m);
	});

	it('Ctrl-C with a final frame as tall as the terminal: "Cancelled…" and "Log: …" are two lines', async () => {
		run = PtyRun.start({args: ['test'], cols: 100, rows: 16});
		const r = run;
		await r.waitFor('? Ollama URL');
		r.press('C-c');
		const {code} = await r.waitForExit(10_000);
		expect(code).toBe(130);
		const screen = r.screen();
		expect(screen).toMatch(/^Cancelled: running checks and commands were stopped\.\s*$/m);
		expect(screen).toMatch(/^Log: /m);
		expect(screen).not.toContain('stopped.Log');
	});
});
