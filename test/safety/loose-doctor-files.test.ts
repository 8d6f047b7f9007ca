/**
 * Doctor reads AIlice's config.json, the .env in the working folder and the service key file with
 * the wizard's safe reader: a named pipe (FIFO), a link to /dev/zero or a file with invalid UTF-8
 * never hangs doctor, never reads forever and is never decoded as U+FFFD. The built CLI runs against
 * a real fake Ollama server; each run ends promptly with a sentence naming the file, and no stack.
 */
import {execFileSync} from 'node:child_process';
import {mkdirSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {tempDir} from '../support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {runBuiltCli, snapshotCli, type CliRun} from '../client/helpers.js';

/** Far below "forever", far above a loaded machine's doctor run against a local fake. */
const PROMPT_MS = 10_000;

interface Check {
	type: string;
	check?: string;
	status?: string;
	detail?: string;
}

function events(r: CliRun): Check[] {
	return r.stdout
		.trim()
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as Check);
}

function resultOf(r: CliRun, id: string): Check | undefined {
	return events(r).find((e) => e.type === 'check:result' && e.check === id);
}

let server: FakeOllama;
let cli = '';
beforeAll(async () => {
	server = await startFakeOllama();
	cli = await snapshotCli();
}, 60_000);
afterAll(async () => {
	await server.close();
});

async function doctor(extra: string[], home = tempDir('otw-loose-doc-')): Promise<{r: CliRun; ms: number}> {
	const t0 = performance.now();
	const r = await runBuiltCli(cli, ['doctor', '--role', 'client', '--url', server.url, '--timeout-ms', '1500', '--json', ...extra], {home, timeoutMs: 30_000});
	return {r, ms: performance.now() - t0};
}

function expectNoCrash(r: CliRun): void {
	const all = `${r.stdout}${r.stderr}`;
	expect(all).not.toMatch(/This is a bug|TypeError|\n\s+at /);
	expect(all).not.toContain('\uFFFD');
	expect(r.code, r.stderr).toBe(1); // the client has no Twingate here; the run ends normally
}

describe('doctor never hangs on a special file', () => {
	it('--ailice-config naming a FIFO: refused with a sentence naming it, promptly', async () => {
		const dir = tempDir('otw-loose-doc-');
		const fifo = path.join(dir, 'config.json');
		execFileSync('mkfifo', [fifo]);
		const {r, ms} = await doctor(['--ailice-config', fifo]);
		expect(ms).toBeLessThan(PROMPT_MS);
		expectNoCrash(r);
		const base = resultOf(r, 'ailice.base-url');
		expect(base?.status).toBe('fail');
		expect(base?.detail).toBe(`AIlice's config.json at ${fifo} is a named pipe (FIFO), not a regular file; the wizard reads only regular files, so that a read can never wait or run forever. Give the path of the file itself.`);
		expect(resultOf(r, 'ailice.model')?.status).toBe('skipped');
	});

	it('--ailice-config naming a link to /dev/zero: refused, never read', async () => {
		const dir = tempDir('otw-loose-doc-');
		const link = path.join(dir, 'config.json');
		symlinkSync('/dev/zero', link);
		const {r, ms} = await doctor(['--ailice-config', link]);
		expect(ms).toBeLessThan(PROMPT_MS);
		expectNoCrash(r);
		expect(resultOf(r, 'ailice.base-url')?.detail).toMatch(new RegExp(`^AIlice's config\\.json at ${link.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is a symbolic link to a device \\(like /dev/zero or a terminal\\), not to a regular file`));
	});

	it('a config with invalid UTF-8 is refused with the line and column of the byte, never read as U+FFFD', async () => {
		const dir = tempDir('otw-loose-doc-');
		const file = path.join(dir, 'config.json');
		writeFileSync(file, Buffer.concat([Buffer.from('{\n  "models": {"ollama": {"baseURL": "http://x:11434/v1", "note": "'), Buffer.from([0xff]), Buffer.from('"}}\n}\n')]));
		const {r} = await doctor(['--ailice-config', file]);
		expectNoCrash(r);
		expect(resultOf(r, 'ailice.base-url')?.detail).toMatch(/^AIlice's config\.json at .*config\.json is not valid UTF-8 text: the byte 0xFF at line 2, column 66 \(byte 68\)/);
	});

	it('a .env that is a FIFO in the working folder: a sentence naming it, promptly', async () => {
		const home = tempDir('otw-loose-doc-');
		execFileSync('mkfifo', [path.join(home, '.env')]);
		const {r, ms} = await doctor([], home);
		expect(ms).toBeLessThan(PROMPT_MS);
		expectNoCrash(r);
		const env = resultOf(r, 'security.env');
		expect(env?.status).toBe('warn');
		expect(env?.detail).toBe(`The .env file at ${path.join(home, '.env')} is a named pipe (FIFO), not a regular file; the wizard reads only regular files, so that a read can never wait or run forever. Give the path of the file itself.`);
	});

	it('a .env that links to /dev/zero, and a service key file that is a FIFO: both refused, promptly', async () => {
		const home = tempDir('otw-loose-doc-');
		symlinkSync('/dev/zero', path.join(home, '.env'));
		const keys = path.join(home, 'keys');
		mkdirSync(keys);
		const key = path.join(keys, 'service_key.json');
		execFileSync('mkfifo', [key]);
		const {r, ms} = await doctor(['--service-key-file', key], home);
		expect(ms).toBeLessThan(PROMPT_MS);
		expectNoCrash(r);
		expect(resultOf(r, 'security.env')?.detail).toMatch(/^The \.env file at .* is a symbolic link to a device \(like \/dev\/zero or a terminal\), not to a regular file/);
		const k = resultOf(r, 'security.key-file');
		expect(k?.status).toBe('warn');
		expect(k?.detail).toMatch(new RegExp(`^The service key file at ${key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is a named pipe \\(FIFO\\), not a regular file`));
	});

	it('the text view shows the same sentences (no --json)', async () => {
		const home = tempDir('otw-loose-doc-');
		const fifo = path.join(home, 'config.json');
		execFileSync('mkfifo', [fifo]);
		const t0 = performance.now();
		const r = await runBuiltCli(cli, ['doctor', '--role', 'client', '--url', server.url, '--timeout-ms', '1500', '--ailice-config', fifo], {home, timeoutMs: 30_000});
		expect(performance.now() - t0).toBeLessThan(PROMPT_MS);
		expect(r.code).toBe(1);
		expect(r.stdout).toContain(`AIlice's config.json at ${fifo} is a named pipe (FIFO), not a regular file`);
		expect(`${r.stdout}${r.stderr}`).not.toMatch(/This is a bug|\n\s+at /);
	});
});
