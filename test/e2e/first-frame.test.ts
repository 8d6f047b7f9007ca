/**
 * On a terminal the entry point draws the first frame (the step list) before the rest loads; a run
 * that ends up not using the UI (a usage error) erases it, so the message stands alone.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

describe.skipIf(!support.run)('first frame (tmux)', () => {
	let run: PtyRun | undefined;
	afterEach(() => {
		run?.close();
		run = undefined;
	});

	it('a usage error on a terminal leaves only the error: the early frame is erased', async () => {
		run = PtyRun.prepare().start({args: ['test', '--url', 'http://0.0.0.0:1']});
		const {code} = await run.waitForExit(15_000);
		expect(code).toBe(2);
		const screen = run.screen();
		expect(screen).toContain('Error: --url: 0.0.0.0 is a bind address');
		expect(screen).not.toContain('starting…');
		expect(screen).not.toContain('Twingate on the Ollama host');
		expect(screen.split('\n')[0]).toMatch(/^Error: --url/);
	});

	it('the real UI replaces the early frame in place (the header is the first line)', async () => {
		run = PtyRun.prepare().start({args: ['test']});
		const screen = await run.waitFor('? Ollama URL');
		expect(screen.split('\n')[0]).toMatch(/^ollama-tunnel-wizard test/);
		expect(screen).not.toContain('starting…');
		run.press('C-c');
		expect((await run.waitForExit(10_000)).code).toBe(130);
	});
});
