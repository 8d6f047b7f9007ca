/**
 * Files that are not regular files, through the built CLI as a user runs it. A named pipe (FIFO), a
 * device such as /dev/zero, a socket, or a symbolic link to one of them given as AIlice's config,
 * the .env or the service key file is refused with a sentence before anything is opened, so the
 * wizard never hangs or reads without end, and nothing is written. The one pipe that is accepted is
 * the service key from process substitution, `--service-key-file <(cat key.json)` (or /dev/stdin):
 * it is read exactly once, without blocking, and its content is used where a path would not last.
 */
import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {parse as parseDotenv} from 'dotenv';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {tempDir} from '../support/fake-ctx.js';
import {folderState, jsonSummary, runBuiltCli, snapshotCli, useFakeOllama, type CliRun} from '../client/helpers.js';

const fake = useFakeOllama();
let cli = '';
beforeAll(async () => {
	cli = await snapshotCli();
}, 60_000);

const MARK = 'PIPEKEY-4d2e91';
const KEY = JSON.stringify({version: '1', network: 'acme.twingate.com', service_account_id: 'sa-9', private_key: `${MARK}-----BEGIN PRIVATE KEY-----xyz`, key_id: 'k9', expires_at: '2099-01-01T00:00:00Z'});

/** A HOME with a work folder holding the key file, a FIFO, links and a socket. */
function setup() {
	const home = tempDir('otw-special-');
	const work = path.join(home, 'work');
	mkdirSync(work);
	const key = path.join(work, 'key.json');
	writeFileSync(key, KEY, {mode: 0o600});
	const fifo = path.join(work, 'pipe');
	const mk = spawnSync('mkfifo', [fifo]).status === 0;
	symlinkSync(fifo, path.join(work, 'link-to-pipe'));
	symlinkSync('/dev/zero', path.join(work, 'link-to-zero'));
	return {home, work, key, fifo: mk ? fifo : null};
}

const sockets: net.Server[] = [];
afterAll(() => sockets.forEach((s) => s.close()));
async function socketAt(file: string): Promise<void> {
	const s = net.createServer();
	sockets.push(s);
	await new Promise<void>((resolve) => s.listen(file, resolve));
}

/** The user's files: everything under HOME but the wizard's own state folder. */
function userFiles(home: string): Record<string, string> {
	return Object.fromEntries(Object.entries(folderState(home)).filter(([k]) => !k.startsWith('wizard-state')));
}

/** Runs a bash command line with the built CLI as $W, like a user's shell (process substitution). */
function runBash(line: string, home: string, timeoutMs = 30_000): Promise<CliRun & {ms: number}> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn('bash', ['-c', line], {
			cwd: home,
			env: {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(home, 'wizard-state'), CI: 'true', NO_COLOR: '1', W: `${process.execPath} ${cli}`},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({code, stdout, stderr, home, stateDir: path.join(home, 'wizard-state'), ms: Date.now() - started});
		});
	});
}

const base = () => ['configure-ailice', '--url', fake.server().url, '--model', 'llama3.2', '--yes'];

/** Refused quickly with the sentence, exit `code`, no crash, and the user's files untouched. */
async function expectRefused(home: string, args: string[], code: number, sentence: RegExp): Promise<void> {
	const before = userFiles(home);
	const started = Date.now();
	const r = await runBuiltCli(cli, args, {home, timeoutMs: 15_000});
	const shown = `${r.stdout}\n${r.stderr}`;
	expect(r.code, shown).toBe(code); // a hang would be killed (code null)
	expect(Date.now() - started).toBeLessThan(10_000);
	expect(shown).toMatch(sentence);
	expect(shown).not.toMatch(/\n\s+at |This is a bug|TypeError/);
	expect(userFiles(home)).toEqual(before);
}

describe('non-regular files are refused before anything is opened', () => {
	it('a named pipe as --ailice-config, --dotenv or --service-key-file: a sentence, exit 2, no hang', async () => {
		const s = setup();
		if (!s.fifo) return void console.warn('SKIPPED: mkfifo is not available');
		await expectRefused(s.home, [...base(), '--ailice-config', s.fifo], 2, /--ailice-config ".*pipe": AIlice's config\.json at .*\/work\/pipe is a named pipe \(FIFO\), not a regular file; the wizard reads only regular files/);
		await expectRefused(s.home, [...base(), '--dotenv', s.fifo], 2, /--dotenv ".*pipe": The \.env file at .*\/work\/pipe is a named pipe \(FIFO\), not a regular file/);
		await expectRefused(s.home, [...base(), '--service-key-file', s.fifo], 2, /The service key file at .*\/work\/pipe is a named pipe \(FIFO\), not a regular file.*a named pipe is not, because opening it waits for a writer/);
	});

	it('a named pipe where AIlice keeps its config (no flag): the step refuses it, exit 1, no hang', async () => {
		const s = setup();
		if (!s.fifo) return void console.warn('SKIPPED: mkfifo is not available');
		const dir = path.join(s.home, '.config', 'ailice');
		mkdirSync(dir, {recursive: true});
		spawnSync('mkfifo', [path.join(dir, 'config.json')]);
		await expectRefused(s.home, base(), 1, /AIlice's config\.json at .*\/\.config\/ailice\/config\.json is a named pipe \(FIFO\), not a regular file/);
	});

	it('a symbolic link to a pipe or to /dev/zero as the key file, /dev/zero itself, and a socket: refused, exit 2', async () => {
		const s = setup();
		await expectRefused(s.home, [...base(), '--service-key-file', path.join(s.work, 'link-to-pipe')], 2, /The service key file at .*link-to-pipe is a symbolic link to a named pipe \(FIFO\), not to a regular file/);
		await expectRefused(s.home, [...base(), '--service-key-file', path.join(s.work, 'link-to-zero')], 2, /The service key file at .*link-to-zero is a symbolic link to a device \(like \/dev\/zero or a terminal\), not to a regular file/);
		await expectRefused(s.home, [...base(), '--service-key-file', '/dev/zero'], 2, /The service key file at \/dev\/zero is a device \(like \/dev\/zero or a terminal\), not a regular file/);
		await expectRefused(s.home, ['service-account', '--out', path.join(s.work, 'deploy'), '--service-key-file', '/dev/zero', '--yes'], 2, /The service key file at \/dev\/zero is a device/);
		const sock = path.join(s.work, 'agent.sock');
		await socketAt(sock);
		await expectRefused(s.home, [...base(), '--service-key-file', sock], 2, /The service key file at .*agent\.sock is a socket, not a regular file/);
		await expectRefused(s.home, [...base(), '--dotenv', sock], 2, /The \.env file at .*agent\.sock is a socket, not a regular file/);
		await expectRefused(s.home, [...base(), '--ailice-config', '/dev/zero'], 2, /AIlice's config\.json at \/dev\/zero is a device/);
		await expectRefused(s.home, [...base(), '--ailice-config', path.join(s.work, 'link-to-zero')], 2, /is a symbolic link\. The wizard replaces files atomically/);
	});
});

describe('the service key through a pipe from the shell is read exactly once', () => {
	it('configure-ailice --dotenv .env --service-key-file <(cat key.json): works; the key content goes into the .env (0600), no /dev/fd path is kept', async () => {
		const s = setup();
		const env = path.join(s.work, '.env');
		const r = await runBash(`$W configure-ailice --url ${fake.server().url} --model llama3.2 --dotenv ${env} --service-key-file <(cat ${s.key}) --yes --json`, s.home);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(jsonSummary(r)).toMatchObject({status: expect.stringMatching(/ok|warn/), changed: true});
		const values = parseDotenv(readFileSync(env, 'utf8'));
		expect(values.TWINGATE_SERVICE_KEY).toBe(KEY);
		expect(values.TWINGATE_SERVICE_KEY_FILE).toBeUndefined();
		expect(values.TWINGATE_SERVICE_KEY_HOST_FILE).toBeUndefined();
		expect(readFileSync(env, 'utf8')).not.toMatch(/\/dev\/fd|\/proc\//);
		expect(statSync(env).mode & 0o777).toBe(0o600);
		expect(r.stdout + r.stderr).not.toContain(MARK);
		expect(r.stdout).toMatch(/The service key was read once from the pipe \/dev\/fd\/\d+/);
	});

	it('service-account --service-key-file <(cat key.json): the key is checked, the run line keeps the placeholder, nothing is chmod-ed', async () => {
		const s = setup();
		const out = path.join(s.work, 'deploy');
		const r = await runBash(`$W service-account --out ${out} --service-key-file <(cat ${s.key}) --yes --json`, s.home);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stdout).toMatch(/The service key came through a pipe, which is checked but cannot be mounted by docker run/);
		const readme = readFileSync(path.join(out, 'README.md'), 'utf8');
		expect(readme).toContain('/path/to/service_key.json');
		expect(readme).not.toMatch(/\/dev\/fd/);
		expect(readdirSync(out).sort()).toEqual(['.env.example', 'Dockerfile', 'README.md', 'entrypoint.sh']);
		expect(r.stdout + r.stderr).not.toContain(MARK);
	});

	it('a broken key through the pipe is refused with the usual sentence (exit 2), without quoting it', async () => {
		const s = setup();
		const r = await runBash(`$W configure-ailice --url ${fake.server().url} --model llama3.2 --service-key-file <(printf '{"nope": "${MARK}"}') --yes`, s.home);
		expect(r.code).toBe(2);
		expect(r.stdout + r.stderr).toMatch(/--service-key-file "\/dev\/fd\/\d+": The service key file \/dev\/fd\/\d+ has no "network" field/);
		expect(r.stdout + r.stderr).not.toContain(MARK);
	});

	it('--service-key-file /dev/stdin with the key piped in works the same', async () => {
		const s = setup();
		const env = path.join(s.work, '.env');
		const r = await runBash(`cat ${s.key} | $W configure-ailice --url ${fake.server().url} --model llama3.2 --dotenv ${env} --service-key-file /dev/stdin --yes --json`, s.home);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(parseDotenv(readFileSync(env, 'utf8')).TWINGATE_SERVICE_KEY).toBe(KEY);
	});

	it('a pipe that never ends (<(sleep 60)) is given up after the time limit with a sentence, nothing written', async () => {
		const s = setup();
		const before = userFiles(s.home);
		const r = await runBash(`$W configure-ailice --url ${fake.server().url} --model llama3.2 --service-key-file <(sleep 60 2>/dev/null) --yes`, s.home, 40_000);
		expect(r.code).toBe(2);
		expect(r.ms).toBeLessThan(20_000);
		expect(r.stdout + r.stderr).toMatch(/The service key file at \/dev\/fd\/\d+ is a pipe that did not deliver its whole content within 10 s\. Save the key to a file \(mode 0600\) and pass its path\./);
		expect(userFiles(s.home)).toEqual(before);
	}, 45_000);

	it('a regular key file is still chmod-ed to 0600 when others can read it (the once-only reading keeps its mode)', async () => {
		const s = setup();
		chmodSync(s.key, 0o644);
		const r = await runBuiltCli(cli, [...base(), '--dotenv', path.join(s.work, '.env'), '--service-key-file', s.key, '--json'], {home: s.home});
		expect(r.code, r.stdout).toBe(0);
		expect(statSync(s.key).mode & 0o777).toBe(0o600);
		expect(existsSync(path.join(s.work, '.env'))).toBe(true);
	});
});
