/** The built binary, run as a user would run it. */
import {existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from './support/cli.js';
import {tempDir} from './support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from './support/fake-ollama.js';
import {COMMANDS, COMMAND_FLAGS, FLAGS} from '../source/cli/flags.js';

/** The wizard's own flags a help text names (docker's --cap-add, --network=host are not ours). */
function flagsNamed(help: string): string[] {
	const named = [...help.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1] ?? '');
	return [...new Set(named.filter((f) => f in FLAGS))].sort();
}

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};

describe('built CLI', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterAll(async () => {
		await server.close();
	});

	it('--version prints the package version', async () => {
		const r = await runCli(['--version']);
		expect(r.code).toBe(0);
		expect(r.stdout.trim()).toBe(pkg.version);
	});

	it('--help lists the commands, the flags and the exit codes', async () => {
		const r = await runCli(['--help']);
		expect(r.code).toBe(0);
		for (const word of ['test', 'doctor', 'repair', '--json', '--dry-run', '--role', 'Exit codes', '130']) expect(r.stdout).toContain(word);
	});

	it('test --help shows the command’s own flags', async () => {
		const r = await runCli(['test', '--help']);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('--samples');
		expect(r.stdout).toContain('--timeout-ms');
	});

	it.each(COMMANDS.map((c) => [c]))('%s --help: no line over 100 columns, and exactly the command’s own flags', async (command) => {
		const r = await runCli([command, '--help']);
		expect(r.code).toBe(0);
		const long = r.stdout.split('\n').filter((l) => [...l].length > 100);
		expect(long).toEqual([]);
		expect(flagsNamed(r.stdout)).toEqual([...COMMAND_FLAGS[command]].sort());
		// Each of them is listed in the Flags section, on its own line.
		for (const flag of COMMAND_FLAGS[command]) expect(r.stdout).toMatch(new RegExp(`^ {2}(?:-\\w, | {4})--${flag}\\b`, 'm'));
	});

	it('--help alone: no line over 100 columns; the guided setup’s flags and --version, no other command’s', async () => {
		const r = await runCli(['--help']);
		expect(r.stdout.split('\n').filter((l) => [...l].length > 100)).toEqual([]);
		expect(flagsNamed(r.stdout)).toEqual([...COMMAND_FLAGS.setup, 'version'].sort());
		for (const command of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
	});

	it('test --json against the fake Ollama: NDJSON events, then a summary with the documented fields', async () => {
		const r = await runCli(['test', '--url', server.url, '--json', '--samples', '3']);
		expect(r.code).toBe(0);
		const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		for (const line of lines) expect(line.schemaVersion).toBe(1);
		expect(lines.some((l) => l.type === 'step:progress')).toBe(true);
		const summary = lines.at(-1) ?? {};
		expect(summary).toMatchObject({type: 'summary', command: 'test', status: 'ok', cause: null, url: server.url, version: '0.17.2'});
		for (const key of ['message', 'addresses', 'connectMs', 'latencyMs', 'models', 'model', 'firstTokenMs', 'tokensPerSecond']) expect(summary).toHaveProperty(key);
		expect(summary.models).toEqual(expect.arrayContaining(['llama3.2:latest']));
		const latency = summary.latencyMs as {min: number; p50: number; p95: number};
		expect(latency.min).toBeLessThanOrEqual(latency.p50);
		expect(latency.p50).toBeLessThanOrEqual(latency.p95);
	});

	it('test --json with a missing model exits 1 with cause model-missing', async () => {
		const r = await runCli(['test', '--url', server.url, '--model', 'nope:1b', '--json']);
		expect(r.code).toBe(1);
		const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
		expect(summary).toMatchObject({status: 'fail', cause: 'model-missing'});
	});

	it('plain output (no TTY) shows each check and the result', async () => {
		const r = await runCli(['test', '--url', `${server.url}/v1`]);
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('Ollama is running');
		expect(r.stdout).toMatch(/✓ Step 6 · Test the connection/);
		expect(r.stdout).not.toContain('\u001b['); // no ANSI codes in a pipe
	});

	it.each([
		[['--bogus'], /Unknown flag "--bogus"/],
		[['test', '--url'], /--url needs a value/],
		[['test', '--url', 'http://0.0.0.0:11434'], /bind address, not a destination/],
		[['test', '--url', 'http://h:11434', '--samples', '0'], /--samples must be a whole number from 1 to 100/],
		[['frobnicate'], /Unknown command "frobnicate"/],
		[['test', '--yes'], /does not apply to the test command/],
		[['--role', 'laptop'], /--role must be "server"/],
		[['test', '--json=1'], /--json is a switch/],
	])('bad usage %j → exit 2, a clear message, no stack trace', async (args, message) => {
		const r = await runCli(args);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(message);
		expect(r.stderr).not.toMatch(/\n\s+at /);
		expect(existsSync(path.join(r.stateDir, 'journal.json'))).toBe(false);
	});

	it('a corrupt journal is reported to the user (plain and --json) and kept aside', async () => {
		for (const json of [false, true]) {
			const home = tempDir('otw-corrupt-');
			mkdirSync(path.join(home, 'wizard-state'), {recursive: true});
			writeFileSync(path.join(home, 'wizard-state', 'journal.json'), '{bad');
			const r = await runCli(['repair', '--role', 'client', ...(json ? ['--json'] : [])], {home});
			expect(r.code).toBe(1);
			expect(json ? r.stderr : r.stdout).toMatch(/journal .* could not be read because it is not valid JSON.*kept as journal\.json\.corrupt-/);
			expect(readdirSync(path.join(home, 'wizard-state')).some((f) => f.startsWith('journal.json.corrupt-'))).toBe(true);
		}
	});

	it('without a TTY a missing answer exits 2 naming the flag, never hangs', async () => {
		const r = await runCli(['test']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('--url');
	});

	it('setup without --role and without a TTY exits 2 naming --role', async () => {
		const r = await runCli(['setup']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('--role');
	});

	it('setup --role client without --model and without a TTY exits 2 naming --model, writing nothing', async () => {
		const r = await runCli(['--role', 'client', '--url', server.url, '--json', '--yes']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('--model');
		expect(existsSync(path.join(r.home, '.config', 'ailice', 'config.json'))).toBe(false);
	});

	it('setup --role client --json --yes writes AIlice\'s config, tests the connection, and journals both', async () => {
		// The fake server is on 127.0.0.1: --ollama-here says Ollama runs on this same machine (without it,
		// a loopback --url on the AIlice side is refused without a terminal; test/client/loopback.test.ts).
		const r = await runCli(['--role', 'client', '--url', server.url, '--model', 'llama3.2', '--ollama-here', '--json', '--yes']);
		const summary = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {steps: {id: string; status: string; available: boolean}[]};
		expect(r.code).toBe(0);
		const test = summary.steps.find((s) => s.id === 'connection-test');
		expect(test?.status).toBe('ok');
		// ok, not warn: 127.0.0.1 is right once the user said Ollama runs here (as answering "yes" on a terminal).
		expect(summary.steps.find((s) => s.id === 'ailice-config')?.status).toBe('ok');
		const config = JSON.parse(readFileSync(path.join(r.home, '.config', 'ailice', 'config.json'), 'utf8')) as {models: Record<string, {baseURL: string; modelWrapper: string}>};
		expect(config.models.ollama).toMatchObject({baseURL: `${server.url}/v1`, modelWrapper: 'AModelChatGPT'});
		const journal = JSON.parse(readFileSync(path.join(r.stateDir, 'journal.json'), 'utf8')) as {role: string; steps: Record<string, {status: string}>};
		expect(journal.role).toBe('client');
		expect(journal.steps['connection-test']?.status).toBe('ok');
		expect(readdirSync(path.join(r.stateDir, 'logs')).some((f) => f.endsWith('.log'))).toBe(true);
	});
});
