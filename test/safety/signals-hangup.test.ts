/**
 * SIGHUP (the terminal was closed) is handled like SIGTERM: the app-wide abort fires, the running
 * command and everything it started are killed (no orphaned `docker run`), the journal stays valid
 * JSON with the earlier runs in it, and the exit code is 129 (128 + SIGHUP). A fake `docker` first on
 * PATH records its PID and hangs where the real one would start the Connector container.
 */
import {spawn} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {CLI, runCli} from '../support/cli.js';
import {tempDir} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {pidAlive, PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[signals] ${support.reason}`);

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 25));
	}
}

/**
 * A fake docker: `docker ps` lists nothing; `docker run` records its PID and its parent's (the
 * wizard), starts a helper child of its own (what a real docker CLI's plugins would be) and waits;
 * with `ignoreTerm` both ignore SIGTERM.
 */
function fakeDocker(dir: string, hangOn: 'run' | 'any', ignoreTerm = false): {bin: string; pidFile: string; childFile: string; parentFile: string} {
	const bin = path.join(dir, 'bin');
	mkdirSync(bin, {recursive: true});
	const pidFile = path.join(dir, 'docker.pid');
	const childFile = path.join(dir, 'docker-child.pid');
	const parentFile = path.join(dir, 'docker-parent.pid');
	const hang = [...(ignoreTerm ? ["trap '' TERM"] : []), `echo $PPID > '${parentFile}'`, 'sleep 30 &', `echo $! > '${childFile}'`, `echo $$ > '${pidFile}'`, 'wait'].join('\n');
	const script = hangOn === 'any' ? `#!/bin/sh\n${hang}\n` : `#!/bin/sh\nif [ "$1" = run ]; then\n${hang}\nfi\nexit 0\n`;
	writeFileSync(path.join(bin, 'docker'), script);
	chmodSync(path.join(bin, 'docker'), 0o755);
	return {bin, pidFile, childFile, parentFile};
}

const readPid = (file: string): number => Number(readFileSync(file, 'utf8').trim());
const pidReady = (file: string) => () => existsSync(file) && readFileSync(file, 'utf8').trim() !== '';

function journalRuns(stateDir: string): unknown[] {
	const journal = JSON.parse(readFileSync(path.join(stateDir, 'journal.json'), 'utf8')) as {runs?: unknown[]};
	expect(Array.isArray(journal.runs)).toBe(true);
	return journal.runs ?? [];
}

describe('SIGHUP', () => {
	let ollama: FakeOllama;
	beforeAll(async () => {
		ollama = await startFakeOllama();
	});
	afterAll(async () => {
		await ollama.close();
	});

	it('while `docker run` runs (plain output): docker and its children are killed, the journal parses, exit 129', async () => {
		const home = tempDir('otw-hup-');
		const stateDir = path.join(home, 'state');
		const env = {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), OLLAMA_TUNNEL_WIZARD_STATE_DIR: stateDir, CI: 'true', NO_COLOR: '1'};
		// An earlier run leaves a journal behind.
		const first = await runCli(['configure-ailice', '--url', ollama.url, '--model', 'llama3.2', '--yes'], {home, env: {OLLAMA_TUNNEL_WIZARD_STATE_DIR: stateDir}});
		expect(first.code, first.stderr).toBe(0);
		const before = journalRuns(stateDir).length;
		expect(before).toBeGreaterThan(0);

		const docker = fakeDocker(home, 'run');
		const child = spawn(process.execPath, [CLI, 'setup', '--role', 'server', '--connector', 'docker-here', '--twingate-network', 'acme', '--yes'], {
			env: {...env, PATH: `${docker.bin}:${env.PATH}`, TWINGATE_ACCESS_TOKEN: 'access-token-value', TWINGATE_REFRESH_TOKEN: 'refresh-token-value'},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('close', (code, signal) => resolve({code, signal})));
		try {
			await until(pidReady(docker.childFile), 20_000, `docker run never started; output:\n${output}`);
			await until(pidReady(docker.pidFile), 2000, 'docker never recorded its PID');
			const dockerPid = readPid(docker.pidFile);
			const helperPid = readPid(docker.childFile);
			expect(readPid(docker.parentFile)).toBe(child.pid);
			expect(pidAlive(dockerPid)).toBe(true);
			expect(pidAlive(helperPid)).toBe(true);

			const sent = Date.now();
			child.kill('SIGHUP');
			const {code, signal} = await exited;
			expect(signal, output).toBeNull(); // it exited on its own, not killed by the signal
			expect(code, output).toBe(129);
			expect(Date.now() - sent).toBeLessThan(5000);
			await until(() => !pidAlive(dockerPid), 3000, `docker (PID ${dockerPid}) still runs`);
			await until(() => !pidAlive(helperPid), 3000, `docker's child (PID ${helperPid}) still runs`);
			expect(journalRuns(stateDir).length).toBeGreaterThanOrEqual(before);
			expect(output).not.toContain('access-token-value');
		} finally {
			child.kill('SIGKILL');
		}
	}, 60_000);

	it.each([
		['one SIGHUP: what ignores SIGTERM is killed after a grace period', 1],
		['a second SIGHUP: exits at once, and still leaves nothing running', 2],
	])('docker that ignores SIGTERM, %s; exit 129', async (_name, signals) => {
		const home = tempDir('otw-hup2-');
		const docker = fakeDocker(home, 'any', true);
		const child = spawn(process.execPath, [CLI, 'setup', '--role', 'server', '--connector', 'docker-here', '--twingate-network', 'acme', '--yes'], {
			env: {PATH: `${docker.bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: home, OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(home, 'state'), CI: 'true', TWINGATE_ACCESS_TOKEN: 'a', TWINGATE_REFRESH_TOKEN: 'b'},
			stdio: 'ignore',
		});
		const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
		try {
			await until(pidReady(docker.pidFile), 20_000, 'docker never started');
			const dockerPid = readPid(docker.pidFile);
			const helperPid = readPid(docker.childFile);
			const sent = Date.now();
			child.kill('SIGHUP');
			if (signals === 2) {
				await new Promise((r) => setTimeout(r, 300));
				child.kill('SIGHUP');
			}
			expect(await exited).toBe(129);
			const took = Date.now() - sent;
			// One: SIGTERM is ignored, SIGKILL follows after 2 s (the direct child) and 2 s more (the group).
			// Two: the second signal ends the run at once, and the exit kills the command's group.
			if (signals === 2) expect(took).toBeLessThan(1500);
			else expect(took).toBeLessThan(8000);
			await until(() => !pidAlive(dockerPid), 3000, `docker (PID ${dockerPid}) still runs`);
			await until(() => !pidAlive(helperPid), 3000, `docker's child (PID ${helperPid}) still runs`);
		} finally {
			child.kill('SIGKILL');
		}
	}, 60_000);
});

describe.skipIf(!support.run || process.platform !== 'linux')('SIGHUP in the full-screen UI (tmux)', () => {
	let run: PtyRun | undefined;
	afterEach(() => {
		run?.close();
		run = undefined;
	});

	it('SIGHUP while step 1 runs docker: the UI cancels, docker and its child are gone, exit 129', async () => {
		run = PtyRun.prepare();
		const r = run;
		const docker = fakeDocker(r.dir, 'any');
		r.start({args: ['setup'], pathPrepend: [docker.bin]});
		await r.waitFor('? Which machine is this?');
		r.press('Enter'); // the Ollama host
		await until(pidReady(docker.pidFile), 15_000, 'docker never started');
		await until(pidReady(docker.parentFile), 2000, 'docker never recorded its parent');
		const wizard = readPid(docker.parentFile);
		const dockerPid = readPid(docker.pidFile);
		const helperPid = readPid(docker.childFile);
		expect(pidAlive(dockerPid)).toBe(true);

		process.kill(wizard, 'SIGHUP');
		const {code, waitedMs} = await r.waitForExit(10_000);
		expect(code).toBe(129);
		expect(waitedMs).toBeLessThan(5000);
		await until(() => !pidAlive(dockerPid), 3000, `docker (PID ${dockerPid}) still runs`);
		await until(() => !pidAlive(helperPid), 3000, `docker's child (PID ${helperPid}) still runs`);
	});

	it('closing the terminal (tmux kill-server hangs up the pty): the wizard, docker and its child are gone', async () => {
		run = PtyRun.prepare();
		const r = run;
		// The wrapper shell dies with the terminal, so the wizard's own exit code is recorded by a
		// preload in a folder close() does not remove: how the process ended, and any uncaught error.
		const traceDir = tempDir('otw-hup-trace-');
		const exitFile = path.join(traceDir, 'exit.txt');
		const preload = path.join(traceDir, 'trace-exit.mjs');
		writeFileSync(
			preload,
			[
				"import {appendFileSync} from 'node:fs';",
				`const file = ${JSON.stringify(exitFile)};`,
				"process.on('uncaughtExceptionMonitor', (error) => appendFileSync(file, `uncaught ${String(error)}\\n`));",
				"process.on('exit', (code) => appendFileSync(file, `exit ${code}\\n`));",
				'',
			].join('\n'),
		);
		const docker = fakeDocker(r.dir, 'any');
		r.start({args: ['setup'], pathPrepend: [docker.bin], env: {NODE_OPTIONS: `--import ${preload}`}});
		await r.waitFor('? Which machine is this?');
		r.press('Enter');
		await until(pidReady(docker.pidFile), 15_000, 'docker never started');
		await until(pidReady(docker.parentFile), 2000, 'docker never recorded its parent');
		const wizard = readPid(docker.parentFile);
		const dockerPid = readPid(docker.pidFile);
		const helperPid = readPid(docker.childFile);

		r.close(); // the terminal goes away: the kernel sends SIGHUP to the foreground group
		await until(() => !pidAlive(wizard), 5000, `the wizard (PID ${wizard}) still runs`);
		await until(() => !pidAlive(dockerPid), 3000, `docker (PID ${dockerPid}) still runs`);
		await until(() => !pidAlive(helperPid), 3000, `docker's child (PID ${helperPid}) still runs`);
		// It unwound as after any SIGHUP (writes to the vanished terminal did not crash it): exit 129.
		await until(() => existsSync(exitFile), 2000, 'no exit was recorded');
		expect(readFileSync(exitFile, 'utf8').trim()).toBe('exit 129');
	});
});
