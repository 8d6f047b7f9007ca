/**
 * The built CLI (dist/cli.js) for steps 4 and 5, with temp HOME, XDG_CONFIG_HOME and state dir:
 * end to end against the fake Ollama, bad values (exit 2, nothing written), an atomic write
 * interrupted between write and rename, and a recognisable fake service key that must appear in no
 * output, journal, log or backup.
 */
import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {validateAiliceConfig} from '../../source/ailice/schema.js';
import {encodeCard} from '../../source/core/card.js';
import {tempDir} from '../support/fake-ctx.js';
import {backupsOf, runBuiltCli, snapshotCli, useFakeOllama, type CliRun as CliResult} from './helpers.js';

const fake = useFakeOllama();
let cli = '';
beforeAll(async () => {
	cli = await snapshotCli();
});
const runCli = (args: string[], opts: {home?: string; env?: Record<string, string>} = {}) => runBuiltCli(cli, args, opts);
const MARK = 'FAKEKEY-7f3a9c';
const KEY = JSON.stringify({version: '1', network: 'acme.twingate.com', service_account_id: 'sa-77', private_key: `${MARK}-----BEGIN PRIVATE KEY-----abc`, key_id: 'kid-77', expires_at: '2027-01-01T00:00:00Z'}, null, 2);

function lines(r: CliResult): Record<string, unknown>[] {
	return r.stdout
		.trim()
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as Record<string, unknown>);
}
const summaryOf = (r: CliResult) => lines(r).at(-1) ?? {};
const configOf = (home: string) => path.join(home, '.config', 'ailice', 'config.json');

/** Every regular file under dir, recursively. */
function filesUnder(dir: string): string[] {
	const out: string[] = [];
	for (const e of readdirSync(dir, {withFileTypes: true})) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...filesUnder(p));
		else if (e.isFile()) out.push(p);
	}
	return out;
}

describe('configure-ailice end to end (built CLI)', () => {
	it('writes a valid config; a second identical run changes nothing and makes no new backup; --dry-run prints the diff and writes nothing', async () => {
		const home = tempDir('otw-e2e-');
		const args = ['configure-ailice', '--url', fake.server().url, '--model', 'llama3.2', '--yes', '--json'];
		const first = await runCli(args, {home});
		expect(first.stderr).toBe('');
		expect(first.code).toBe(0);
		const s1 = summaryOf(first);
		expect(s1).toMatchObject({type: 'summary', command: 'configure-ailice', status: 'ok', changed: true, configPath: configOf(home), models: ['llama3.2:latest'], baseURL: `${fake.server().url}/v1`});
		const text = readFileSync(configOf(home), 'utf8');
		expect(validateAiliceConfig(JSON.parse(text), 'ollama')).toEqual({errors: [], warnings: []});

		const second = await runCli(args, {home});
		expect(second.code).toBe(0);
		expect(summaryOf(second)).toMatchObject({status: 'ok', changed: false, written: []});
		expect(readFileSync(configOf(home), 'utf8')).toBe(text);
		expect(backupsOf(configOf(home))).toEqual([]);

		const dry = await runCli(['configure-ailice', '--url', fake.server().url, '--model', 'llama3.2', '--model', 'qwen2.5-coder:7b', '--set-default', '--dry-run', '--json'], {home});
		expect(dry.code).toBe(0);
		const plan = lines(dry).find((l) => l.type === 'step:plan') as {actions: {diff: string}[]} | undefined;
		expect(plan?.actions[0]?.diff).toMatch(/^\+\s+"qwen2\.5-coder:7b": \{/m);
		expect(summaryOf(dry)).toMatchObject({status: 'pending', dryRun: true, changed: false});
		expect(readFileSync(configOf(home), 'utf8')).toBe(text);
		expect(backupsOf(configOf(home))).toEqual([]);

		const plainDry = await runCli(['configure-ailice', '--url', fake.server().url, '--model', 'qwen2.5-coder:7b', '--dry-run'], {home});
		expect(plainDry.code).toBe(0);
		expect(plainDry.stdout).toMatch(/change .*config\.json/);
		expect(plainDry.stdout).toMatch(/^\s+\+\s+"qwen2\.5-coder:7b"/m);
		expect(plainDry.stdout).toContain('Dry run: ');
		expect(readFileSync(configOf(home), 'utf8')).toBe(text);
	});

	it('accepts the connection card instead of --url and --model', async () => {
		const home = tempDir('otw-card-');
		const card = encodeCard({url: fake.server().url, models: ['qwen2.5-coder:7b'], version: '0.17.2'});
		const r = await runCli(['configure-ailice', '--card', card, '--set-default', '--yes', '--json'], {home});
		expect(r.code).toBe(0);
		const doc = JSON.parse(readFileSync(configOf(home), 'utf8')) as {modelID: string};
		expect(doc.modelID).toBe('ollama:qwen2.5-coder:7b');
	});

	it('bad values exit 2 naming the flag, the value and the rule, and write nothing', async () => {
		const home = tempDir('otw-bad-');
		const dir = path.join(home, 'a-dir');
		mkdirSync(dir);
		const notKey = path.join(home, 'not-a-key.json');
		writeFileSync(notKey, `${MARK} is not JSON`);
		const aFile = path.join(home, 'a-file');
		writeFileSync(aFile, 'x');
		const url = fake.server().url;
		const rows: [string[], RegExp][] = [
			[['configure-ailice', '--url', url, '--model', 'llama3:2', '--yes'], /--model "llama3:2": the server at .* does not list this model; it has: llama3\.2:latest/],
			[['configure-ailice', '--url', url, '--model', 'llama 3', '--yes'], /--model: The model name "llama 3" is not a valid Ollama model name/],
			[['configure-ailice', '--url', `${url}/v1/chat/completions`, '--model', 'llama3.2', '--yes'], /--url: .*ends in \/chat\/completions/],
			[['configure-ailice', '--url', 'http://0.0.0.0:11434', '--model', 'llama3.2', '--yes'], /--url: 0\.0\.0\.0 is a bind address/],
			[['configure-ailice', '--url', url, '--model', 'llama3.2', '--provider', 'openrouter', '--yes'], /--provider: The provider name "openrouter" is one of AIlice's built-in providers/],
			[['configure-ailice', '--url', url, '--model', 'llama3.2', '--context-window', '100', '--yes'], /--context-window must be a whole number from 512 to 1048576/],
			[['configure-ailice', '--url', url, '--model', 'llama3.2', '--ailice-config', dir, '--yes'], /--ailice-config ".*a-dir": .* is a folder, not a file/],
			[['configure-ailice', '--url', url, '--model', 'llama3.2', '--service-key-file', notKey, '--yes'], /--service-key-file ".*not-a-key\.json": The service key file .* is not JSON/],
			[['configure-ailice', '--card', 'otw1:!!', '--yes'], /--card: The connection card has characters that are not base64url/],
			[['configure-ailice', '--model', 'llama3.2', '--yes'], /no answer given[\s\S]*Pass --url/],
			[['configure-ailice', '--url', url, '--yes', '--json'], /models for AIlice: no answer given[\s\S]*Pass --model NAME/],
			[['configure-ailice', '--url', url, '--model', '--yes'], /--model needs a value/],
			[['service-account', '--out', aFile, '--yes'], /--out ".*a-file": .* exists and is not a folder/],
		];
		const results = await Promise.all(rows.map(([args]) => runCli(args, {home})));
		results.forEach((r, i) => {
			const [args, want] = rows[i] ?? [[], /./];
			expect({args, code: r.code}).toEqual({args, code: 2});
			expect(r.stderr).toMatch(want);
			expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
			expect(r.stdout + r.stderr).not.toContain(MARK);
		});
		// Nothing written: no AIlice config folder, no deployment folder, only what the test made (and the wizard's state).
		expect(readdirSync(home).filter((f) => f !== 'wizard-state').sort()).toEqual(['a-dir', 'a-file', 'not-a-key.json']);
	});

	it('atomic write: killed between write and rename, config.json keeps its old content (no partial file)', async () => {
		const home = tempDir('otw-kill-');
		const file = configOf(home);
		mkdirSync(path.dirname(file), {recursive: true});
		const old = '{\n  "modelID": "",\n  "models": {}\n}\n';
		writeFileSync(file, old);
		const preload = path.join(home, 'die-before-rename.mjs');
		writeFileSync(
			preload,
			`import fs from 'node:fs';
const rename = fs.promises.rename;
fs.promises.rename = async function (from, to) {
	if (String(to).endsWith('config.json')) { fs.writeFileSync(${JSON.stringify(path.join(home, 'reached-rename'))}, String(from)); process.kill(process.pid, 'SIGKILL'); await new Promise(() => {}); }
	return rename.apply(this, arguments);
};
`,
		);
		const r = await runCli(['configure-ailice', '--url', fake.server().url, '--model', 'llama3.2', '--yes', '--json'], {home, env: {NODE_OPTIONS: `--import=${preload}`}});
		expect(r.code).toBeNull(); // killed by SIGKILL
		const temp = readFileSync(path.join(home, 'reached-rename'), 'utf8');
		expect(readFileSync(temp, 'utf8')).toContain('"ollama"'); // the new content was fully in the temp file…
		expect(readFileSync(file, 'utf8')).toBe(old); // …and the real file was never touched
		expect(backupsOf(file).map((b) => readFileSync(b, 'utf8'))).toEqual([old]);
	});
});

describe('the service key never leaks (every step-4/5 command)', () => {
	it(`${MARK} appears in no stdout/stderr, journal, log file or backup`, async () => {
		const home = tempDir('otw-secret-');
		const keyFile = path.join(home, 'keys', 'service_key.json');
		mkdirSync(path.dirname(keyFile), {recursive: true});
		writeFileSync(keyFile, KEY, {mode: 0o644}); // too open: the wizard makes it 0600
		const env = path.join(home, 'deploy', '.env');
		const out = path.join(home, 'deploy');
		const badKey = path.join(home, 'keys', 'broken.json');
		writeFileSync(badKey, `{"private_key": "${MARK}", `);
		const url = fake.server().url;
		const runs: CliResult[] = [];
		const run = async (args: string[]) => {
			const r = await runCli(args, {home});
			runs.push(r);
			return r;
		};
		const c1 = await run(['configure-ailice', '--url', url, '--model', 'llama3.2', '--dotenv', env, '--service-key-file', keyFile, '--set-default', '--yes', '--json']);
		expect({code: c1.code, err: c1.stderr}).toEqual({code: 0, err: ''});
		expect(statSync(keyFile).mode & 0o777).toBe(0o600);
		await run(['configure-ailice', '--url', url, '--model', 'qwen2.5-coder:7b', '--dotenv', env, '--service-key-file', keyFile, '--dry-run']);
		const c3 = await run(['configure-ailice', '--url', url, '--model', 'qwen2.5-coder:7b', '--dotenv', env, '--service-key-file', keyFile, '--yes']);
		expect(c3.code).toBe(0);
		expect((await run(['configure-ailice', '--url', url, '--model', 'llama3.2', '--service-key-file', badKey, '--yes', '--json'])).code).toBe(2);
		expect((await run(['service-account', '--out', out, '--service-key-file', keyFile, '--url', url, '--model', 'llama3.2', '--dry-run', '--json'])).code).toBe(0);
		const s1 = await run(['service-account', '--out', out, '--service-key-file', keyFile, '--url', url, '--model', 'llama3.2', '--yes', '--json']);
		expect(s1.code).toBe(0);
		expect((await run(['service-account', '--out', out, '--service-key-file', keyFile, '--model', 'qwen2.5-coder:7b', '--yes'])).code).toBe(0);
		expect((await run(['service-account', '--out', out, '--service-key-file', badKey, '--yes'])).code).toBe(2);
		const setup = await run(['setup', '--role', 'client', '--url', url, '--ollama-here', '--model', 'llama3.2', '--dotenv', env, '--service-key-file', keyFile, '--out', out, '--yes', '--json', '--samples', '1']);
		expect(setup.code).toBe(0);

		for (const r of runs) expect(r.stdout + r.stderr).not.toContain(MARK);
		const stateFiles = filesUnder(path.join(home, 'wizard-state'));
		expect(stateFiles.some((f) => f.endsWith('journal.json'))).toBe(true);
		expect(stateFiles.some((f) => f.includes(`${path.sep}logs${path.sep}`))).toBe(true);
		const everyFile = filesUnder(home).filter((f) => f !== keyFile && f !== badKey);
		const backups = everyFile.filter((f) => /\.bak-/.test(f));
		expect(backups.length).toBeGreaterThan(0); // config.json and .env were replaced at least once
		for (const f of everyFile) expect({file: f, leaked: readFileSync(f, 'utf8').includes(MARK)}).toEqual({file: f, leaked: false});
		// The .env holds the key's path (inside the container, and on this machine for the -v mount), never its content.
		expect(readFileSync(env, 'utf8')).toContain('TWINGATE_SERVICE_KEY_FILE=/run/secrets/twingate_service_key.json\n');
		expect(readFileSync(env, 'utf8')).toContain(`TWINGATE_SERVICE_KEY_HOST_FILE=${keyFile}\n`);
	});
});
