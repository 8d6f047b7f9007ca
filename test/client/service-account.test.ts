/**
 * Step 5: the deployment folder (Dockerfile, entrypoint.sh, .env.example, README.md, the docker run
 * line), the service key check (JSON with `network`, never printed), shellcheck on the generated
 * entrypoint, and its bounded wait for `twingate status` = online, run for real with fake `twingate`, `ollama-tunnel-wizard` and `ailice` programs on PATH.
 */
import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {analyseDeploy} from '../../source/deploy/analyse.js';
import {checkServiceKeyText} from '../../source/deploy/service-key.js';
import {entrypointSh} from '../../source/deploy/templates.js';
import {serviceAccount} from '../../source/steps/service-account.js';
import {tempDir} from '../support/fake-ctx.js';
import {backupsOf, makeCtx, runClientStep} from './helpers.js';

const FAKE_KEY = JSON.stringify({version: '1', network: 'acme.twingate.com', service_account_id: 'sa-1', private_key: 'FAKEKEY-7f3a9c-private', key_id: 'kid-9'});

function shellcheckPath(): string | null {
	const r = spawnSync('sh', ['-c', 'command -v shellcheck'], {encoding: 'utf8'});
	return r.status === 0 ? r.stdout.trim() : null;
}
const SHELLCHECK = shellcheckPath();
const SKIP_SHELLCHECK = !SHELLCHECK && !process.env.WIZARD_REQUIRE_TOOLS;
if (SKIP_SHELLCHECK) console.warn('SKIPPED: shellcheck is not installed (apt-get install shellcheck); set WIZARD_REQUIRE_TOOLS=1 to make this a failure.');

describe('step 5: the deployment folder', () => {
	it('generates Dockerfile, entrypoint.sh (0755), .env.example and README.md; a second run changes nothing', async () => {
		const ctx = makeCtx();
		const out = path.join(ctx.dir, 'deploy');
		const answers = {out, url: 'http://ollama.internal:11434/v1', models: ['llama3.2:latest', 'qwen2.5-coder:7b']};
		const first = await runClientStep(serviceAccount, ctx, answers);
		expect(first.applied).toBe(true);
		expect(first.result.status).toBe('warn'); // no key file given: the run line has a placeholder
		for (const f of ['Dockerfile', 'entrypoint.sh', '.env.example', 'README.md']) expect(existsSync(path.join(out, f))).toBe(true);
		expect(statSync(path.join(out, 'entrypoint.sh')).mode & 0o777).toBe(0o755);
		const env = readFileSync(path.join(out, '.env.example'), 'utf8');
		expect(env).toContain('OLLAMA_BASE_URL=http://ollama.internal:11434\n');
		expect(env).toContain('AILICE_MODELS=llama3.2:latest,qwen2.5-coder:7b\n');

		const second = await runClientStep(serviceAccount, ctx, answers);
		expect(second.applied).toBe(false);
		expect(second.run.files).toEqual([]);
		expect(backupsOf(path.join(out, 'Dockerfile'))).toEqual([]);
	});

	it('the Dockerfile installs the Twingate Client, Python, AIlice and the wizard; the run line has NET_ADMIN and /dev/net/tun', async () => {
		const ctx = makeCtx();
		const key = path.join(ctx.dir, 'key.json');
		writeFileSync(key, FAKE_KEY, {mode: 0o600});
		ctx.runner.expect({argv: ['git', '-C', ctx.dir, 'rev-parse', '--is-inside-work-tree'], exitCode: 128, repeat: true});
		const an = await analyseDeploy(ctx, {out: path.join(ctx.dir, 'd'), serviceKeyFile: key});
		const file = (name: string) => an.actions.find((a) => a.kind === 'file' && a.path.endsWith(name));
		const docker = file('Dockerfile');
		const dockerText = docker?.kind === 'file' ? docker.after : '';
		for (const want of ['https://packages.twingate.com/apt/gpg.key', 'apt-get install -y --no-install-recommends twingate', 'FROM python:', 'myshell-ai/AIlice', 'pip install', 'ollama-tunnel-wizard@', 'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]']) {
			expect(dockerText).toContain(want);
		}
		// The commands install the Client, never a Connector, and use no --service-key flag.
		const commands = dockerText.split('\n').filter((l) => !l.startsWith('#')).join('\n');
		expect(commands).not.toMatch(/connector|--service-key/i);
		const run = an.runLines.join('\n');
		expect(run).toContain('--cap-add NET_ADMIN --device /dev/net/tun');
		expect(run).toContain(`-v ${key}:/run/secrets/twingate_service_key.json:ro`);
		const limits = an.manual.map((m) => (m.kind === 'manual' ? m.text : '')).join('\n');
		for (const want of [/Cloud Run/, /365 days/, /no `--service-key` flag/, /Client, not a Connector/]) expect(limits).toMatch(want);
		// Nothing of the key is copied into any generated file.
		for (const a of an.actions) if (a.kind === 'file') expect(a.after).not.toContain('FAKEKEY');
	});

	it('in the guided setup it runs only when asked (the guide calls it the alternative for production)', async () => {
		const ctx = makeCtx();
		const out = await runClientStep(serviceAccount, ctx, {url: 'http://ollama.internal:11434'});
		expect(out.result).toMatchObject({status: 'skipped', summary: expect.stringMatching(/was not requested/)});
		expect(out.applied).toBe(false);
		expect(existsSync(path.join(ctx.cwd, 'ailice-twingate'))).toBe(false);
		const asked = await runClientStep(serviceAccount, ctx, {deploy: true});
		expect(asked.applied).toBe(true);
		expect(existsSync(path.join(ctx.cwd, 'ailice-twingate', 'entrypoint.sh'))).toBe(true); // default ./ailice-twingate
	});

	it('.env.example explains every variable the entrypoint reads', async () => {
		const ctx = makeCtx();
		const an = await analyseDeploy(ctx, {out: path.join(ctx.dir, 'd')});
		const env = an.actions.find((a) => a.kind === 'file' && a.path.endsWith('.env.example'));
		const text = env?.kind === 'file' ? env.after : '';
		const used = new Set([...entrypointSh().matchAll(/\$\{([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]));
		expect(used.size).toBeGreaterThan(8);
		// Tests only, unset in production (documented in the entrypoint itself).
		expect(used.delete('ENTRYPOINT_TEST_ROOT')).toBe(true);
		for (const name of used) expect(text).toMatch(new RegExp(`^${name}=`, 'm'));
	});

	it('checks a supplied key without printing it: not JSON, no network, too open (→ chmod 600)', async () => {
		const ctx = makeCtx();
		ctx.runner.expect({argv: ['git', '-C', ctx.dir, 'rev-parse', '--is-inside-work-tree'], exitCode: 128, repeat: true});
		const notJson = path.join(ctx.dir, 'bad.json');
		writeFileSync(notJson, 'FAKEKEY-7f3a9c not json', {mode: 0o600});
		const r1 = await runClientStep(serviceAccount, ctx, {out: path.join(ctx.dir, 'd'), serviceKeyFile: notJson});
		expect(r1.result.summary).toMatch(/is not JSON/);
		expect(JSON.stringify(r1.bus.history)).not.toContain('FAKEKEY');
		expect(existsSync(path.join(ctx.dir, 'd'))).toBe(false);
		expect(checkServiceKeyText('{"private_key":"FAKEKEY-7f3a9c"}', 'The key')).toEqual({ok: false, problem: expect.stringMatching(/no "network" field/)});

		const open = path.join(ctx.dir, 'open.json');
		writeFileSync(open, FAKE_KEY);
		chmodSync(open, 0o644);
		const r2 = await runClientStep(serviceAccount, ctx, {out: path.join(ctx.dir, 'd'), serviceKeyFile: open});
		expect(r2.applied).toBe(true);
		expect(statSync(open).mode & 0o777).toBe(0o600);
		expect(r2.run.commands).toMatchObject([{argv: ['chmod', '600', open], undo: ['chmod', '644', open]}]);
		expect(JSON.stringify(r2.bus.history)).not.toContain('FAKEKEY');
	});
});

describe('service key expiry (keys expire 365 days after creation by default)', () => {
	it('an expired key stops step 5 with a clear sentence and writes nothing; a key expiring soon is a warning', async () => {
		const ctx = makeCtx();
		ctx.runner.expect({argv: ['git', '-C', ctx.dir, 'rev-parse', '--is-inside-work-tree'], exitCode: 128, repeat: true});
		const expired = path.join(ctx.dir, 'expired.json');
		writeFileSync(expired, JSON.stringify({...JSON.parse(FAKE_KEY), expires_at: '2020-01-01T00:00:00Z'}), {mode: 0o600});
		const r1 = await runClientStep(serviceAccount, ctx, {out: path.join(ctx.dir, 'd'), serviceKeyFile: expired});
		expect(r1.result.status).toBe('fail');
		expect(r1.result.summary).toMatch(/expired on 2020-01-01/);
		expect(existsSync(path.join(ctx.dir, 'd'))).toBe(false);
		expect(JSON.stringify(r1.bus.history)).not.toContain('FAKEKEY');

		const soon = path.join(ctx.dir, 'soon.json');
		writeFileSync(soon, JSON.stringify({...JSON.parse(FAKE_KEY), expires_at: new Date(Date.now() + 5 * 86_400_000).toISOString()}), {mode: 0o600});
		const r2 = await runClientStep(serviceAccount, ctx, {out: path.join(ctx.dir, 'd2'), serviceKeyFile: soon});
		expect(JSON.stringify(r2.result)).toMatch(/expires on .* \(in \d days\): rotate it soon/);
	});
});

describe('the generated entrypoint.sh', () => {
	it.skipIf(SKIP_SHELLCHECK)('passes shellcheck', () => {
		const dir = tempDir('otw-sc-');
		const file = path.join(dir, 'entrypoint.sh');
		writeFileSync(file, entrypointSh(), {mode: 0o755});
		const r = spawnSync(SHELLCHECK ?? 'shellcheck', ['-s', 'sh', file], {encoding: 'utf8'});
		expect(r.stdout + r.stderr).toBe('');
		expect(r.status).toBe(0);
	});

	/** A temp folder with entrypoint.sh and fake programs; `twingate status` answers from a script of words. */
	function stage(statusWords: string[]) {
		const dir = tempDir('otw-ep-');
		const bin = path.join(dir, 'bin');
		mkdirSync(bin);
		writeFileSync(path.join(dir, 'entrypoint.sh'), entrypointSh(), {mode: 0o755});
		writeFileSync(path.join(dir, 'words'), `${statusWords.join('\n')}\n`);
		const fakeTwingate = `#!/bin/sh
# Fake Twingate Client CLI: records calls; status prints the next word (state kept in a file), the last one forever.
d="${dir}"
echo "$*" >> "$d/calls"
case "$1" in
setup) [ "$2" = "--headless" ] && [ -f "$3" ] || exit 3 ;;
start) ;;
status)
	n=$(cat "$d/n" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$d/n"
	total=$(wc -l < "$d/words")
	if [ "$n" -gt "$total" ]; then n=$total; fi
	sed -n "\${n}p" "$d/words" ;;
*) exit 2 ;;
esac
`;
		writeFileSync(path.join(bin, 'twingate'), fakeTwingate, {mode: 0o755});
		writeFileSync(path.join(bin, 'ollama-tunnel-wizard'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/wizard-args"\n`, {mode: 0o755});
		writeFileSync(path.join(bin, 'ailice'), `#!/bin/sh\necho "ailice started: $*"\nenv > "${dir}/ailice-env"\n`, {mode: 0o755});
		const run = (env: Record<string, string>) =>
			spawnSync('sh', [path.join(dir, 'entrypoint.sh'), '--expose'], {
				encoding: 'utf8',
				timeout: 10_000,
				env: {
					PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
					TWINGATE_KEY_PATH: path.join(dir, 'etc', 'service_key.json'),
					OLLAMA_BASE_URL: 'http://ollama.internal:11434',
					AILICE_MODELS: 'llama3.2:latest,qwen2.5-coder:7b',
					TWINGATE_WAIT_SECONDS: '0',
					...env,
				},
			});
		return {dir, run};
	}

	it('waits through "starting" until "online", writes the key 0600, configures AIlice, then execs ailice without the key', () => {
		const {dir, run} = stage(['starting', 'Starting', 'online']);
		const r = run({TWINGATE_SERVICE_KEY: FAKE_KEY});
		expect(r.stderr).toMatch(/twingate status: online \(check 3 of 12\)/);
		expect(r.status).toBe(0);
		expect(r.stdout).toContain('ailice started: --expose');
		const keyPath = path.join(dir, 'etc', 'service_key.json');
		expect(statSync(keyPath).mode & 0o777).toBe(0o600);
		expect(JSON.parse(readFileSync(keyPath, 'utf8'))).toEqual(JSON.parse(FAKE_KEY));
		expect(readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').slice(0, 2)).toEqual([`setup --headless ${keyPath}`, 'start']);
		expect(readFileSync(path.join(dir, 'wizard-args'), 'utf8').trim().split('\n')).toEqual([
			'configure-ailice', '--url', 'http://ollama.internal:11434', '--provider', 'ollama', '--set-default', '--plain', '--yes', '--model', 'llama3.2:latest', '--model', 'qwen2.5-coder:7b',
		]);
		expect(readFileSync(path.join(dir, 'ailice-env'), 'utf8')).not.toMatch(/TWINGATE_SERVICE_KEY|FAKEKEY/);
		expect(r.stdout + r.stderr).not.toContain('FAKEKEY');
	});

	it('never online: fails within the bound, naming the last status; AIlice is not started', () => {
		const {dir, run} = stage(['starting', 'authenticating']);
		const keyFile = path.join(dir, 'mounted-key.json');
		writeFileSync(keyFile, FAKE_KEY, {mode: 0o600});
		const started = Date.now();
		const r = run({TWINGATE_SERVICE_KEY_FILE: keyFile, TWINGATE_WAIT_ATTEMPTS: '4'});
		expect(Date.now() - started).toBeLessThan(3000);
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/Twingate did not come online after 4 checks; last status: 'authenticating' \(the Client cannot authenticate/);
		expect(r.stdout).not.toContain('ailice started');
		expect(existsSync(path.join(dir, 'wizard-args'))).toBe(false);
		expect(r.stdout + r.stderr).not.toContain('FAKEKEY');
	});

	it('refuses a missing key, a key without "network", and a localhost OLLAMA_BASE_URL, before starting anything', () => {
		const {dir, run} = stage(['online']);
		expect(run({}).stderr).toMatch(/no service key: set TWINGATE_SERVICE_KEY_FILE/);
		const noNet = run({TWINGATE_SERVICE_KEY: '{"private_key":"FAKEKEY-7f3a9c"}'});
		expect(noNet.stderr).toMatch(/no "network" field/);
		expect(noNet.stderr).not.toContain('FAKEKEY');
		expect(run({TWINGATE_SERVICE_KEY: FAKE_KEY, OLLAMA_BASE_URL: 'http://localhost:11434'}).stderr).toMatch(/points at this container itself/);
		expect(run({TWINGATE_SERVICE_KEY: FAKE_KEY, TWINGATE_WAIT_ATTEMPTS: 'x'}).stderr).toMatch(/TWINGATE_WAIT_ATTEMPTS must be a whole number/);
		expect(existsSync(path.join(dir, 'wizard-args'))).toBe(false);
	});
});
