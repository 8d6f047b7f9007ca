/** The real command runner (execa): argument arrays, timeouts, and Ctrl-C killing the whole command. */
import {existsSync, readFileSync, writeFileSync, chmodSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {SecretRegistry} from '../../source/core/context.js';
import {createCommandRunner} from '../../source/core/real-context.js';
import {tempDir} from '../support/fake-ctx.js';

const log = {log: () => undefined};

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** A wrapper script that starts a grandchild and records both PIDs. */
function wrapper(dir: string): string {
	const f = path.join(dir, 'wrapper.sh');
	writeFileSync(f, `#!/bin/sh\nsleep 30 &\necho $! > '${dir}/grandchild.pid'\necho $$ > '${dir}/child.pid'\nwait\n`);
	chmodSync(f, 0o755);
	return f;
}

async function waitFor(file: string): Promise<number> {
	for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 10));
	return Number(readFileSync(file, 'utf8').trim());
}

describe('command runner', () => {
	it('passes arguments as an array: shell metacharacters stay literal', async () => {
		const run = createCommandRunner(new AbortController().signal, log, new SecretRegistry());
		const r = await run('printf', ['%s', '$(touch x); `id`']);
		expect(r).toMatchObject({exitCode: 0, stdout: '$(touch x); `id`', notFound: false});
	});

	it('a missing program is notFound, not a crash', async () => {
		const run = createCommandRunner(new AbortController().signal, log, new SecretRegistry());
		const r = await run('no-such-program-xyz', []);
		expect(r).toMatchObject({exitCode: null, notFound: true});
	});

	it('Ctrl-C (the app-wide abort) kills the command and everything it started', async () => {
		const dir = tempDir();
		const controller = new AbortController();
		const run = createCommandRunner(controller.signal, log, new SecretRegistry());
		const running = run(wrapper(dir), []);
		const child = await waitFor(path.join(dir, 'child.pid'));
		const grandchild = await waitFor(path.join(dir, 'grandchild.pid'));
		expect(alive(grandchild)).toBe(true);
		controller.abort();
		const r = await running;
		expect(r.exitCode).not.toBe(0);
		for (let i = 0; i < 100 && (alive(child) || alive(grandchild)); i++) await new Promise((res) => setTimeout(res, 20));
		expect(alive(child)).toBe(false);
		expect(alive(grandchild)).toBe(false);
	});

	it('a command over its time limit is killed with its children and reported as timed out', async () => {
		const dir = tempDir();
		const run = createCommandRunner(new AbortController().signal, log, new SecretRegistry());
		const started = Date.now();
		const r = await run(wrapper(dir), [], {timeoutMs: 300});
		expect(r.timedOut).toBe(true);
		expect(Date.now() - started).toBeLessThan(5000);
		const grandchild = await waitFor(path.join(dir, 'grandchild.pid'));
		for (let i = 0; i < 100 && alive(grandchild); i++) await new Promise((res) => setTimeout(res, 20));
		expect(alive(grandchild)).toBe(false);
	});
});
