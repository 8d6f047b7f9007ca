/**
 * Ctrl-C while a step's command runs: the command is killed and the wizard exits 130 at
 * once, with the terminal restored. On the Ollama host (Linux), step 1 first looks for a running
 * Connector with `docker ps`; a fake `docker` first on PATH records its PID and hangs for 30 s.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {pidAlive, PtyRun, ptySupport, sttyFlag} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 40));
	}
}

describe.skipIf(!support.run || process.platform !== 'linux')('Ctrl-C in a real terminal (tmux)', () => {
	let run: PtyRun | undefined;
	afterEach(() => {
		run?.close();
		run = undefined;
	});

	it('Ctrl-C while step 1 runs `docker ps` kills docker and exits 130 within seconds', async () => {
		run = PtyRun.prepare();
		const r = run;
		const pidFile = path.join(r.dir, 'docker.pid');
		// exec keeps the PID: the recorded PID is the sleeping process itself.
		const bin = r.fakeCommand('docker', `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 30\n`);
		r.start({args: ['setup'], pathPrepend: [bin]});

		await r.waitFor('? Which machine is this?');
		r.press('Enter'); // the first choice: the Ollama host
		await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 15_000, 'docker never started');
		const pid = Number(readFileSync(pidFile, 'utf8').trim());
		expect(pidAlive(pid)).toBe(true);
		const screen = await r.waitFor('this machine: server');
		expect(screen).toMatch(/Step 1 · Twingate/);

		r.press('C-c');
		const {code, waitedMs} = await r.waitForExit(10_000);
		expect(code).toBe(130);
		expect(waitedMs).toBeLessThan(5000);
		await until(() => !pidAlive(pid), 3000, `docker (PID ${pid}) still runs`);
		expect(r.screen()).toContain('Cancelled');
		const stty = r.sttyAfterExit();
		expect(sttyFlag(stty, 'icanon'), stty).toBe(true);
		expect(sttyFlag(stty, 'echo'), stty).toBe(true);
		expect(r.cursorVisible()).toBe(true);
	});
});
