/**
 * Ctrl-C as a person presses it, in a real terminal (tmux) at 80×24 and 100×32: at a prompt with a
 * half-typed answer (exit 130, nothing written, the terminal restored: cooked mode, echo, cursor),
 * and while a check waits on an Ollama server that accepts the connection and never answers
 * (exit 130 promptly, not after the request's timeout).
 */
import {existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {SIZES, think, typeSlowly} from '../support/person.js';
import {PtyRun, ptySupport, sttyFlag} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

function expectTerminalRestored(r: PtyRun): void {
	const stty = r.sttyAfterExit();
	expect(sttyFlag(stty, 'icanon'), stty).toBe(true);
	expect(sttyFlag(stty, 'echo'), stty).toBe(true);
	expect(r.cursorVisible()).toBe(true);
}

describe.skipIf(!support.run)('Ctrl-C at a prompt and during a check (tmux)', () => {
	let hanging: FakeOllama;
	let run: PtyRun | undefined;
	beforeAll(async () => {
		hanging = await startFakeOllama({fault: 'hang'});
	});
	afterAll(async () => {
		await hanging.close();
	});
	afterEach(() => {
		run?.close();
		run = undefined;
	});

	for (const [cols, rows] of SIZES) {
		it(`${cols}×${rows}: Ctrl-C at the URL prompt with half an answer typed: exit 130, nothing written, terminal restored`, async () => {
			run = PtyRun.start({args: ['setup'], cols, rows});
			const r = run;
			await r.waitFor('? Which machine is this?');
			await think();
			r.press('Down');
			await r.waitFor(/❯ The AIlice side/);
			r.press('Enter');
			await r.waitFor('? Ollama URL');
			await typeSlowly(r, 'http://ollama.ho');
			await r.waitFor('http://ollama.ho');
			r.press('C-c');
			const {code, waitedMs} = await r.waitForExit(10_000);
			expect(code, r.screen()).toBe(130);
			expect(waitedMs).toBeLessThan(3000);
			expect(r.screen()).toContain('Cancelled');
			// Nothing written: no AIlice config, no journal (a log file may be there; it says what happened).
			expect(existsSync(path.join(r.configHome, 'ailice'))).toBe(false);
			expect(existsSync(path.join(r.stateDir, 'journal.json'))).toBe(false);
			expect(readdirSync(r.home).filter((f) => f !== '.config')).toEqual([]);
			expectTerminalRestored(r);
		});

		it(`${cols}×${rows}: Ctrl-C while step 4 waits on a server that never answers: exit 130 within 2 s, nothing written`, async () => {
			run = PtyRun.start({args: ['setup', '--role', 'client'], cols, rows});
			const r = run;
			await r.waitFor('? Ollama URL');
			// Pasted with its newline: one write.
			r.type(`${hanging.url}\r`);
			await r.waitFor('is this machine. Does Ollama run on');
			r.press('y');
			// The check is under way: the request reached the server, which holds it.
			const deadline = Date.now() + 10_000;
			while (!hanging.requests.some((q) => q.path.startsWith('/api/'))) {
				if (Date.now() > deadline) throw new Error(`no request reached the hanging server; screen:\n${r.screen()}`);
				await think(40);
			}
			// Progress shows at once while the server holds the request.
			const checking = await r.waitFor(`Reading the model list from ${hanging.url}`);
			expect(checking).not.toContain('? ');
			await think(300);
			expect(r.exitCode()).toBeNull();
			r.press('C-c');
			const {code, waitedMs} = await r.waitForExit(10_000);
			expect(code, r.screen()).toBe(130);
			expect(waitedMs).toBeLessThan(2000);
			expect(r.screen()).toContain('Cancelled');
			expect(existsSync(path.join(r.configHome, 'ailice', 'config.json'))).toBe(false);
			expectTerminalRestored(r);
		});
	}
});
