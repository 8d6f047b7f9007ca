/**
 * --plain on a real terminal asks the same questions line by line with @inquirer/prompts (screen
 * readers, basic terminals, recorded sessions), without the full-screen UI.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {PtyRun, ptySupport, sttyFlag} from '../support/pty.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

describe.skipIf(!support.run)('--plain in a real terminal (tmux)', () => {
	let server: FakeOllama;
	let run: PtyRun | undefined;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterEach(() => {
		run?.close();
		run = undefined;
	});
	afterAll(async () => {
		await server.close();
	});

	it('test --plain asks for the URL with a line prompt, validates it, then prints the checks as lines', async () => {
		run = PtyRun.prepare().start({args: ['test', '--plain']});
		await run.waitFor('Ollama URL (the Twingate Resource alias');
		run.type('http://0.0.0.0:11434');
		run.press('Enter');
		await run.waitFor('bind address, not a destination');
		run.press('C-u');
		run.type(server.url);
		run.press('Enter');
		const {code} = await run.waitForExit(20_000);
		expect(code).toBe(0);
		const screen = run.screen();
		expect(screen).toContain('Ollama is running');
		expect(screen).toMatch(/✓ Step 6 · Test the connection/);
		const stty = run.sttyAfterExit();
		expect(sttyFlag(stty, 'echo'), stty).toBe(true);
	});
});
