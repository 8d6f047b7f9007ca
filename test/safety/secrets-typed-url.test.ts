/**
 * A URL with a password typed at the line prompt (--plain on a terminal) is
 * refused with the password shown as ***; once corrected, the password is in no log, journal or
 * file, and no screen line other than the user's own typing shows it.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {PtyRun, ptySupport} from '../support/pty.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

const PASSWORD = 'TypedPw-8c41d2e7';

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = path.join(dir, name);
		return statSync(p).isDirectory() ? filesUnder(p) : [p];
	});
}

describe.skipIf(!support.run)('a URL with a password typed at a prompt', () => {
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

	// The full-screen UI validates with the same function (parseOllamaUrl) and shows its sentence.
	it('--plain line prompt: refused with ***, then the corrected URL runs; the password is nowhere', async () => {
		run = PtyRun.prepare().start({args: ['test', '--plain'], cols: 240, rows: 40}); // wide enough for the message on one line
		await run.waitFor(/Ollama URL/);
		const typed = server.url.replace('http://', `http://alice:${PASSWORD}@`);
		run.type(typed);
		await run.waitFor(typed);
		run.press('Enter');
		const refused = await run.waitFor('user name or password');
		const message = refused.split('\n').find((l) => l.includes('user name or password')) ?? '';
		expect(message).toContain('alice:***@127.0.0.1');
		expect(message).not.toContain(PASSWORD);
		// Only the line the user is typing on may still show what they typed.
		expect(refused.split('\n').filter((l) => l.includes(PASSWORD))).toHaveLength(1);
		run.press('C-u');
		await run.waitFor((screen) => !screen.includes('user name or password'));
		run.type(server.url);
		await run.waitFor((screen) => screen.split('\n').some((l) => l.includes(server.url) && !l.includes('@')));
		run.press('Enter');
		const {code} = await run.waitForExit(30_000);
		expect(code).toBe(0);
		expect(run.screen()).not.toContain(PASSWORD);
		const files = [...filesUnder(run.stateDir), ...filesUnder(run.home)];
		expect(files.some((f) => f.includes(`${path.sep}logs${path.sep}`))).toBe(true);
		expect(files.filter((f) => readFileSync(f, 'latin1').includes(PASSWORD))).toEqual([]);
	}, 60_000);
});
