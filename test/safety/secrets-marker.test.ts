/**
 * One unique marker in every secret position — an existing .env (an API key and a Twingate service
 * key), another provider's `apikey` in AIlice's config.json, the service key file's `private_key`, the
 * Connector tokens in the environment, a URL password — must never appear in stdout, stderr, the
 * NDJSON output, the run logs, the journal, or any file the wizard wrote or backed up. The only files
 * allowed to hold it are the user's own files that already held it, and their backups, which must be
 * mode 0600. Every command runs through the built CLI, including failures and a crash inside a step.
 */
import {randomBytes} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {tempDir} from '../support/fake-ctx.js';
import {runBuiltCli, snapshotCli, useFakeOllama, type CliRun} from '../client/helpers.js';

const MARK = `LEAKMARK${randomBytes(6).toString('hex')}`;
/** The marker as it would look once JSON-escaped or base64-encoded: both count as a leak too. */
const FORMS = [MARK, Buffer.from(MARK).toString('base64').slice(0, 12)];

const fake = useFakeOllama();
let cli = '';
beforeAll(async () => {
	cli = await snapshotCli();
}, 60_000);

/** The Connector tokens, in the environment of every run (the CLI reads them from there, never from a flag). */
const TOKENS = {TWINGATE_ACCESS_TOKEN: `${MARK}-access-eyJhbGciOiJIUzI1NiJ9`, TWINGATE_REFRESH_TOKEN: `${MARK}-refresh-eyJhbGciOiJIUzI1NiJ9`};

interface Labeled extends CliRun {
	label: string;
}

/** A user's machine: AIlice's config with another provider's key, a .env with keys, a service key file. */
function userHome(): {home: string; config: string; env: string; keyEnv: string; key: string; badKey: string; out: string} {
	const home = tempDir('otw-marker-');
	const config = path.join(home, '.config', 'ailice', 'config.json');
	mkdirSync(path.dirname(config), {recursive: true});
	writeFileSync(
		config,
		`${JSON.stringify(
			{
				maxMemory: {},
				modelID: 'oai:gpt-4o',
				// The key comes last, so it is a context line of any diff that adds a provider after this one.
				models: {oai: {modelWrapper: 'AModelChatGPT', baseURL: 'https://api.openai.com/v1', modelList: {'gpt-4o': {formatter: 'AFormatterGPT', contextWindow: 128000, systemAsUser: false}}, apikey: `${MARK}-oai-apikey`}},
			},
			null,
			2,
		)}\n`,
		{mode: 0o600},
	);
	const deploy = path.join(home, 'deploy');
	mkdirSync(deploy, {recursive: true});
	// A .env with an API key (last, so it is context of what the wizard appends), and one that
	// already holds a service key inline.
	const env = path.join(deploy, '.env');
	writeFileSync(env, `# mine\nKEEP=me\nOPENAI_API_KEY=${MARK}-env-openai\n`, {mode: 0o600});
	const keyEnv = path.join(deploy, 'keyed.env');
	writeFileSync(keyEnv, `TWINGATE_SERVICE_KEY=${JSON.stringify({private_key: `${MARK}-env-tg`})}\nKEEP=me\n`, {mode: 0o600});
	// A .env in the working folder (doctor's security check reads it), readable by others.
	writeFileSync(path.join(home, '.env'), `ANTHROPIC_API_KEY=${MARK}-cwd-env\nDEBUG=1\n`, {mode: 0o644});
	const keys = path.join(home, 'keys');
	mkdirSync(keys, {recursive: true});
	const key = path.join(keys, 'service_key.json');
	writeFileSync(key, JSON.stringify({version: '1', network: 'acme.twingate.com', service_account_id: 'sa-1', private_key: `-----BEGIN PRIVATE KEY-----${MARK}-private-key-----END PRIVATE KEY-----`, key_id: 'kid-1', expires_at: '2030-01-01T00:00:00Z'}, null, 2), {mode: 0o600});
	const badKey = path.join(keys, 'broken.json');
	writeFileSync(badKey, `{"private_key": "${MARK}-broken-key", `, {mode: 0o600});
	return {home, config, env, keyEnv, key, badKey, out: path.join(home, 'ailice-deploy')};
}

/** Every regular file under dir, recursively (symlinks are not followed). */
function filesUnder(dir: string): string[] {
	const out: string[] = [];
	if (!existsSync(dir)) return out;
	for (const e of readdirSync(dir, {withFileTypes: true})) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...filesUnder(p));
		else if (e.isFile()) out.push(p);
	}
	return out;
}

const leaks = (text: string) => FORMS.some((f) => text.includes(f));

/** A free port nothing listens on (the server is down). */
async function closedPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as net.AddressInfo).port;
			s.close(() => resolve(port));
		});
		s.on('error', reject);
	});
}

/**
 * The check: no output of any run holds the marker; the only files under HOME (the state dir is
 * inside it) that hold it are the allowed user files and their backups, and those backups are 0600.
 */
function expectNoLeak(runs: Labeled[], home: string, userFiles: string[]): void {
	const outputLeaks = runs.flatMap((r) => [
		...(leaks(r.stdout) ? [{run: r.label, stream: 'stdout', near: near(r.stdout)}] : []),
		...(leaks(r.stderr) ? [{run: r.label, stream: 'stderr', near: near(r.stderr)}] : []),
	]);
	expect(outputLeaks).toEqual([]);
	const files = filesUnder(home);
	expect(files.some((f) => f.includes(`${path.sep}logs${path.sep}`))).toBe(true);
	const allowed = (f: string) => userFiles.some((u) => f === u || (path.dirname(f) === path.dirname(u) && path.basename(f).startsWith(`${path.basename(u)}.bak-`)));
	const fileLeaks = files.filter((f) => !allowed(f) && leaks(readFileSync(f, 'latin1'))).map((f) => ({file: path.relative(home, f), near: near(readFileSync(f, 'utf8'))}));
	expect(fileLeaks).toEqual([]);
	const openBackups = files
		.filter((f) => allowed(f) && !userFiles.includes(f) && leaks(readFileSync(f, 'latin1')))
		.map((f) => ({file: path.relative(home, f), mode: (statSync(f).mode & 0o777).toString(8)}))
		.filter((b) => b.mode !== '600');
	expect(openBackups).toEqual([]);
}

function near(text: string): string {
	const i = FORMS.map((f) => text.indexOf(f)).find((x) => x >= 0) ?? 0;
	return text.slice(Math.max(0, i - 120), i + 60);
}

async function runAll(home: string, list: [string, string[], Record<string, string>?][], expectCodes?: Record<string, number | null>): Promise<Labeled[]> {
	const runs: Labeled[] = [];
	for (const [label, args, env] of list) {
		const r = await runBuiltCli(cli, args, {home, env: {...TOKENS, ...env}, timeoutMs: 40_000});
		runs.push({...r, label});
		if (expectCodes && label in expectCodes) expect({label, code: r.code, err: r.stderr.slice(0, 400)}).toMatchObject({label, code: expectCodes[label]});
	}
	return runs;
}

describe(`a secret marker never leaks (every command, failures and a crash)`, () => {
	it('configure-ailice, service-account, setup --role client, doctor, repair, test, undo: plain, --json and --dry-run', async () => {
		const u = userHome();
		const url = fake.server().url;
		const common = ['--url', url, '--model', 'llama3.2', '--dotenv', u.env, '--service-key-file', u.key];
		const keyed = ['--url', url, '--model', 'llama3.2', '--dotenv', u.keyEnv, '--service-key-file', u.key];
		const runs = await runAll(
			u.home,
			[
				['configure-ailice --dry-run', ['configure-ailice', ...common, '--set-default', '--dry-run']],
				['configure-ailice --dry-run --json', ['configure-ailice', ...common, '--set-default', '--dry-run', '--json']],
				['configure-ailice --yes', ['configure-ailice', ...common, '--set-default', '--yes']],
				['configure-ailice --yes --json (second model)', ['configure-ailice', ...common, '--model', 'qwen2.5-coder:7b', '--yes', '--json']],
				['service-account --dry-run --json', ['service-account', '--out', u.out, '--service-key-file', u.key, '--url', url, '--model', 'llama3.2', '--dry-run', '--json']],
				['service-account --yes', ['service-account', '--out', u.out, '--service-key-file', u.key, '--url', url, '--model', 'llama3.2', '--yes']],
				['setup client --dry-run (keyed .env)', ['setup', '--role', 'client', ...keyed, '--ollama-here', '--out', u.out, '--dry-run', '--samples', '1']],
				['setup client --yes --json (keyed .env)', ['setup', '--role', 'client', ...keyed, '--ollama-here', '--out', u.out, '--yes', '--json', '--samples', '1']],
				['configure-ailice --yes (keyed .env)', ['configure-ailice', ...keyed, '--model', 'qwen2.5-coder:7b', '--yes']],
				['doctor --json', ['doctor', '--role', 'client', '--url', url, '--service-key-file', u.key, '--json']],
				['doctor', ['doctor', '--role', 'client', '--url', url, '--service-key-file', u.key]],
				['repair --yes --json', ['repair', '--role', 'client', '--url', url, '--yes', '--json']],
				['repair --dry-run', ['repair', '--role', 'client', '--url', url, '--dry-run']],
				['test', ['test', '--url', url, '--model', 'llama3.2', '--samples', '1']],
				['test --json', ['test', '--url', url, '--model', 'llama3.2', '--samples', '1', '--json']],
				['undo --dry-run', ['undo', '--dry-run']],
				['undo --yes --json', ['undo', '--yes', '--json']],
			],
			{'configure-ailice --yes': 0, 'configure-ailice --yes --json (second model)': 0, 'service-account --yes': 0, 'setup client --yes --json (keyed .env)': 0, 'configure-ailice --yes (keyed .env)': 0},
		);
		// The user's config.json and .env held the marker before; the wizard changed both (so backed them up).
		expect(readdirSync(path.dirname(u.config)).some((f) => f.startsWith('config.json.bak-'))).toBe(true);
		expect(readdirSync(path.dirname(u.env)).some((f) => f.startsWith('.env.bak-'))).toBe(true);
		expectNoLeak(runs, u.home, [u.config, u.env, u.keyEnv, u.key, u.badKey, path.join(u.home, '.env')]);
	}, 240_000);

	it('undo --yes after the user added a keyed provider and a token to what the wizard wrote', async () => {
		const home = tempDir('otw-marker-undo-');
		const config = path.join(home, '.config', 'ailice', 'config.json');
		const env = path.join(home, 'deploy', '.env');
		const url = fake.server().url;
		const first = await runAll(home, [['configure-ailice --yes (creates both files)', ['configure-ailice', '--url', url, '--model', 'llama3.2', '--dotenv', env, '--yes']]], {'configure-ailice --yes (creates both files)': 0});
		// The user (or AIlice itself) adds a provider with a key, and a token to the .env.
		const doc = JSON.parse(readFileSync(config, 'utf8')) as {models: Record<string, unknown>};
		doc.models.mine = {modelWrapper: 'AModelChatGPT', apikey: `${MARK}-user-added`, baseURL: 'https://example.com/v1', modelList: {}};
		writeFileSync(config, `${JSON.stringify(doc, null, 2)}\n`);
		writeFileSync(env, `${readFileSync(env, 'utf8')}MY_SERVICE_TOKEN=${MARK}-user-token\n`);
		const runs = await runAll(home, [
			['undo --dry-run', ['undo', '--dry-run']],
			['undo --yes', ['undo', '--yes']],
			['undo --yes --json (again)', ['undo', '--yes', '--json']],
		]);
		expectNoLeak([...first, ...runs], home, [config, env]);
	}, 120_000);

	it('failures: a broken key file, the server down, a URL with a password (flag and card), an invalid config.json', async () => {
		const u = userHome();
		const url = fake.server().url;
		const down = `http://127.0.0.1:${await closedPort()}`;
		const withPassword = url.replace('http://', `http://ailice:${MARK}-url-password@`);
		// A connection card is base64url of JSON: the password is inside, encoded.
		const card = `otw1:${Buffer.from(JSON.stringify({url: withPassword, models: ['llama3.2:latest']})).toString('base64url')}`;
		const invalid = userHome();
		writeFileSync(invalid.config, `{\n  "models": {"oai": {"apikey": "${MARK}-in-invalid-json", "baseURL": "x"}} oops\n}\n`, {mode: 0o600});
		const runs = await runAll(
			u.home,
			[
				['configure-ailice bad key', ['configure-ailice', '--url', url, '--model', 'llama3.2', '--service-key-file', u.badKey, '--yes']],
				['configure-ailice bad key --json', ['configure-ailice', '--url', url, '--model', 'llama3.2', '--service-key-file', u.badKey, '--yes', '--json']],
				['service-account bad key', ['service-account', '--out', u.out, '--service-key-file', u.badKey, '--url', url, '--model', 'llama3.2', '--yes']],
				['setup client bad key --json', ['setup', '--role', 'client', '--url', url, '--ollama-here', '--model', 'llama3.2', '--service-key-file', u.badKey, '--out', u.out, '--yes', '--json']],
				['doctor bad key', ['doctor', '--role', 'client', '--url', url, '--service-key-file', u.badKey]],
				['configure-ailice server down', ['configure-ailice', '--url', down, '--model', 'llama3.2', '--dotenv', u.env, '--yes', '--timeout-ms', '1000']],
				['configure-ailice server down --json', ['configure-ailice', '--url', down, '--model', 'llama3.2', '--dotenv', u.env, '--yes', '--json', '--timeout-ms', '1000']],
				['setup client server down', ['setup', '--role', 'client', '--url', down, '--ollama-here', '--model', 'llama3.2', '--dotenv', u.env, '--yes', '--timeout-ms', '1000', '--samples', '1']],
				['test server down', ['test', '--url', down, '--timeout-ms', '1000', '--samples', '1']],
				['doctor server down --json', ['doctor', '--role', 'client', '--url', down, '--timeout-ms', '1000', '--json']],
				['configure-ailice url password', ['configure-ailice', '--url', withPassword, '--model', 'llama3.2', '--yes']],
				['configure-ailice url password --json', ['configure-ailice', '--url', withPassword, '--model', 'llama3.2', '--yes', '--json']],
				['configure-ailice --url= password', ['configure-ailice', `--url=${withPassword}`, '--model', 'llama3.2', '--dry-run']],
				['setup client url password', ['setup', '--role', 'client', '--url', withPassword, '--ollama-here', '--model', 'llama3.2', '--yes']],
				['test url password', ['test', '--url', withPassword, '--samples', '1']],
				['test url password --json', ['test', '--url', withPassword, '--samples', '1', '--json']],
				['doctor url password', ['doctor', '--role', 'client', '--url', withPassword]],
				['service-account url password', ['service-account', '--out', u.out, '--service-key-file', u.key, '--url', withPassword, '--model', 'llama3.2', '--yes']],
				['configure-ailice card with password', ['configure-ailice', '--card', card, '--yes']],
				['configure-ailice card with password --json', ['configure-ailice', '--card', card, '--yes', '--json']],
			],
			{
				'configure-ailice bad key': 2,
				'service-account bad key': 2,
				'configure-ailice server down': 1,
				'configure-ailice url password': 2,
				'configure-ailice url password --json': 2,
				'configure-ailice --url= password': 2,
				'setup client url password': 2,
				'test url password': 2,
				'configure-ailice card with password': 2,
			},
		);
		// The URL password is refused with the user name and *** in its place.
		const refused = runs.find((r) => r.label === 'configure-ailice url password');
		expect(refused?.stderr).toContain('http://ailice:***@127.0.0.1:');
		expect(refused?.stderr).toMatch(/user name or password/);
		const invalidRuns = await runAll(invalid.home, [
			['configure-ailice invalid config.json', ['configure-ailice', '--url', url, '--model', 'llama3.2', '--yes']],
			['configure-ailice invalid config.json --json', ['configure-ailice', '--url', url, '--model', 'llama3.2', '--yes', '--json']],
			['doctor invalid config.json', ['doctor', '--role', 'client', '--url', url]],
		]);
		expectNoLeak(runs, u.home, [u.config, u.env, u.keyEnv, u.key, u.badKey, path.join(u.home, '.env')]);
		expectNoLeak(invalidRuns, invalid.home, [invalid.config, invalid.env, invalid.keyEnv, invalid.key, invalid.badKey, path.join(invalid.home, '.env')]);
	}, 240_000);

	it('a crash inside a step (a bug that throws while the config is written, or while a file is parsed)', async () => {
		const u = userHome();
		const url = fake.server().url;
		// A bug inside step 4's apply: the rename of the new config.json throws.
		const renameBug = path.join(u.home, 'rename-bug.mjs');
		writeFileSync(
			renameBug,
			`import fs from 'node:fs';
const rename = fs.promises.rename;
fs.promises.rename = async function (from, to) {
	if (String(to).endsWith('config.json')) throw new TypeError("Cannot read properties of undefined (reading 'models')");
	return rename.apply(this, arguments);
};
`,
		);
		// A bug that reaches JSON.parse with a file's text: V8's message quotes the text it could not parse.
		const parseBug = path.join(u.home, 'parse-bug.mjs');
		writeFileSync(
			parseBug,
			`const parse = JSON.parse;
JSON.parse = function (text, reviver) {
	if (typeof text === 'string' && text.includes('"modelWrapper"')) {
		throw new SyntaxError('Unexpected token \\'x\\', "' + text.slice(0, 400) + '"... is not valid JSON');
	}
	return parse.call(this, text, reviver);
};
`,
		);
		// A bug whose error message carries the text it was handling (as V8's JSON errors quote their input).
		const typeBug = path.join(u.home, 'type-bug.mjs');
		writeFileSync(
			typeBug,
			`const parse = JSON.parse;
JSON.parse = function (text, reviver) {
	if (typeof text === 'string' && text.includes('"modelWrapper"')) {
		throw new TypeError('Cannot read properties of undefined (reading \\'models\\') while handling ' + text.slice(0, 600));
	}
	return parse.call(this, text, reviver);
};
`,
		);
		const typeOpt = {NODE_OPTIONS: `--import=${typeBug}`};
		const rename = {NODE_OPTIONS: `--import=${renameBug}`};
		const parseOpt = {NODE_OPTIONS: `--import=${parseBug}`};
		const common = ['--url', url, '--model', 'llama3.2', '--dotenv', u.env, '--service-key-file', u.key];
		const runs = await runAll(u.home, [
			['configure-ailice crash in apply', ['configure-ailice', ...common, '--yes'], rename],
			['configure-ailice crash in apply --json', ['configure-ailice', ...common, '--yes', '--json'], rename],
			['setup client crash in apply', ['setup', '--role', 'client', ...common, '--ollama-here', '--out', u.out, '--yes', '--samples', '1'], rename],
			['configure-ailice crash in parse', ['configure-ailice', ...common, '--yes'], parseOpt],
			['configure-ailice crash in parse --json --dry-run', ['configure-ailice', ...common, '--dry-run', '--json'], parseOpt],
			['setup client crash in parse --json', ['setup', '--role', 'client', ...common, '--ollama-here', '--out', u.out, '--yes', '--json', '--samples', '1'], parseOpt],
			['doctor crash in parse', ['doctor', '--role', 'client', '--url', url, '--service-key-file', u.key], parseOpt],
			['undo crash in parse', ['undo', '--yes'], parseOpt],
			['configure-ailice crash quoting the config', ['configure-ailice', ...common, '--yes'], typeOpt],
			['configure-ailice crash quoting the config --json', ['configure-ailice', ...common, '--yes', '--json'], typeOpt],
			['doctor crash quoting the config', ['doctor', '--role', 'client', '--url', url], typeOpt],
			['doctor crash quoting the config --json', ['doctor', '--role', 'client', '--url', url, '--json'], typeOpt],
		]);
		// The crashes really happened (not a clean run that proves nothing).
		expect(runs.filter((r) => r.code !== 0).map((r) => r.label)).toEqual(expect.arrayContaining(['configure-ailice crash in apply', 'configure-ailice crash in parse']));
		expectNoLeak(runs, u.home, [u.config, u.env, u.keyEnv, u.key, u.badKey, path.join(u.home, '.env')]);
	}, 240_000);

	it('the Connector tokens: setup --role server with docker-here (a plan, and a run whose docker fails naming them)', async () => {
		const home = tempDir('otw-marker-server-');
		const bin = path.join(home, 'bin');
		mkdirSync(bin, {recursive: true});
		// A docker that fails and echoes its environment's tokens in the error, as a confused daemon might.
		writeFileSync(
			path.join(bin, 'docker'),
			`#!/bin/sh
case "$1" in
  ps) exit 0 ;;
  info|version) echo '{"ServerVersion":"27.0.0"}'; exit 0 ;;
  run) echo "docker: invalid token $TWINGATE_ACCESS_TOKEN / $TWINGATE_REFRESH_TOKEN" >&2; exit 125 ;;
  *) exit 0 ;;
esac
`,
		);
		chmodSync(path.join(bin, 'docker'), 0o755);
		const pathEnv = {PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`};
		const server = ['--role', 'server', '--connector', 'docker-here', '--twingate-network', 'acme', '--resource-ready', '--bind', '127.0.0.1:11434', '--alias', 'ollama.home.internal'];
		const runs = await runAll(home, [
			['setup server --dry-run --platform linux', ['setup', ...server, '--method', 'systemd', '--dry-run', '--platform', 'linux']],
			['setup server --dry-run --platform linux --json', ['setup', ...server, '--method', 'systemd', '--dry-run', '--platform', 'linux', '--json']],
			['setup server --yes --json (docker fails)', ['setup', ...server, '--yes', '--json'], pathEnv],
			['setup server --yes (docker fails)', ['setup', ...server, '--yes'], pathEnv],
			['doctor server', ['doctor', '--role', 'server', '--connector', 'docker-here'], pathEnv],
		]);
		expect(runs[0]?.stdout).toContain('TWINGATE_ACCESS_TOKEN'); // the plan names the variable, never its value
		expectNoLeak(runs, home, []);
	}, 240_000);
});
