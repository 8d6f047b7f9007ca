/**
 * Step 2 on Linux: the systemd drop-in, end to end through the
 * runner with the fake command runner, and the generated drop-in checked by the real systemd-analyze.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ExpectedCommand} from '../support/fake-runner.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {tempDir} from '../support/fake-ctx.js';
import {ollamaRemoteAccess} from '../../source/steps/ollama-remote-access.js';
import {LINUX_DROPIN, LINUX_UNIT} from '../../source/server/detect.js';
import {buildDropIn, dropInBind} from '../../source/server/service-files.js';
import {wizardPaths} from '../../source/core/paths.js';
import {IP_J_ADDR, LINUX_LAN, SS_F4, SS_LOOPBACK, ollamaUnit} from './fixtures.js';
import {argvOf, runThrough, serverCtx, type ServerTestCtx} from './support.js';

const SS = ['ss', '-ltnp', 'sport = :11434'];

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

function linux(extra: Record<string, string> = {}): ServerTestCtx {
	return serverCtx({platform: 'linux', files: {[LINUX_UNIT]: ollamaUnit('/usr/local/bin/ollama'), ...extra}, routes: {'127.0.0.1': server.url, [LINUX_LAN]: server.url}});
}

const detect = (uid: string, ss: string): ExpectedCommand[] => [
	{argv: ['id', '-u'], stdout: `${uid}\n`},
	{argv: SS, stdout: ss},
	{argv: ['systemctl', 'is-active', 'ollama'], stdout: 'active\n'},
];

describe('step 2 on Linux: systemd drop-in', () => {
	it('without root: stage the drop-in, sudo install it, sudo systemctl daemon-reload + restart (in the terminal); then verified', async () => {
		const ctx = linux();
		const staging = path.join(wizardPaths(ctx.env).stateDir, 'staging', 'override.conf');
		let installed = '';
		const apply: ExpectedCommand[] = [
			{
				argv: ['sudo', 'install', '-D', '-m', '0644', staging, LINUX_DROPIN],
				check: (opts) => {
					expect(opts?.interactive).toBe(true);
					installed = readFileSync(staging, 'utf8');
				},
			},
			{argv: ['sudo', 'systemctl', 'daemon-reload'], check: (opts) => expect(opts?.interactive).toBe(true)},
			{argv: ['sudo', 'systemctl', 'restart', 'ollama'], check: (opts) => expect(opts?.interactive).toBe(true)},
		];
		const after = [...detect('1000', SS_F4), {argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR}];
		ctx.runner.expect(...detect('1000', SS_LOOPBACK), ...detect('1000', SS_LOOPBACK), ...apply, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'systemd', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([...detect('1000', SS_LOOPBACK), ...detect('1000', SS_LOOPBACK), ...apply, ...after].map((c) => c.argv));
		expect(installed).toBe('[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n');
		expect(existsSync(staging)).toBe(false); // the staging copy is removed after the install
		expect(out.applied).toBe(true);
		expect(out.result.status).toBe('ok');
		expect(out.result.summary).toContain(`GET http://${LINUX_LAN}:11434/ answers "Ollama is running"`);
		expect(out.result.details.join('\n')).toContain('100.96.1.7 on sdwan0: tunnel handle other machines cannot use');
		const file = out.plan?.actions.find((a) => a.kind === 'file');
		expect(file).toMatchObject({kind: 'file', path: LINUX_DROPIN, before: null, after: installed, mode: 0o644});
		expect(out.run.commands[0]).toMatchObject({argv: ['sudo', 'install', '-D', '-m', '0644', staging, LINUX_DROPIN], undo: ['sudo', 'rm', '-f', LINUX_DROPIN]});
	});

	it('as root: the drop-in (keeping other settings) is staged and installed without sudo after a backup copy; systemctl runs without sudo; each change has its undo', async () => {
		const existing = '[Service]\nEnvironment="OLLAMA_MODELS=/data/models"\nEnvironment="OLLAMA_HOST=127.0.0.1:11434"\n';
		const ctx = linux({[LINUX_DROPIN]: existing});
		const staging = path.join(wizardPaths(ctx.env).stateDir, 'staging', 'override.conf');
		const backup = `${LINUX_DROPIN}.before-wizard-20251009T085320Z`;
		let installed = '';
		const apply: ExpectedCommand[] = [
			{argv: ['cp', '-p', LINUX_DROPIN, backup], check: (opts) => expect(opts?.interactive).toBe(false)},
			{argv: ['install', '-D', '-m', '0644', staging, LINUX_DROPIN], check: () => void (installed = readFileSync(staging, 'utf8'))},
			{argv: ['systemctl', 'daemon-reload']},
			{argv: ['systemctl', 'restart', 'ollama']},
		];
		const after = [...detect('0', SS_F4), {argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR}];
		ctx.runner.expect(...detect('0', SS_LOOPBACK), ...detect('0', SS_LOOPBACK), ...apply, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'systemd', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([...detect('0', SS_LOOPBACK), ...detect('0', SS_LOOPBACK), ...apply, ...after].map((c) => c.argv));
		expect(installed).toBe('[Service]\nEnvironment="OLLAMA_MODELS=/data/models"\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n');
		expect(dropInBind(installed)).toBe('0.0.0.0:11434');
		expect(out.run.commands.map((c) => c.undo)).toEqual([['mv', backup, LINUX_DROPIN], null, null, null]);
		expect(out.result.status).toBe('ok');
	});

	it('no ollama.service: the plan says to install Ollama with its script (a hand-made unit would be a second server)', async () => {
		const ctx = serverCtx({platform: 'linux', files: {'/usr/local/bin/ollama': 'binary'}, routes: {}});
		ctx.runner.expect({argv: ['id', '-u'], stdout: '1000\n'}, {argv: SS, stdout: ''}, {argv: ['id', '-u'], stdout: '1000\n'}, {argv: SS, stdout: ''});
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'systemd', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('ollama-not-running');
		expect(JSON.stringify(out.plan?.actions)).toContain('curl -fsSL https://ollama.com/install.sh | sh');
	});

	it('malformed ss output → a clear fail', async () => {
		const ctx = linux();
		ctx.runner.expect({argv: ['id', '-u'], stdout: '1000\n'}, {argv: SS, stdout: 'Cannot open netlink socket: Permission denied'}, {argv: ['systemctl', 'is-active', 'ollama'], stdout: 'active\n'});
		const out = await runThrough(ollamaRemoteAccess, ctx, {}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		expect(out.result.summary).toMatch(/^Could not tell where Ollama listens: Line 1 of the ss output is not a socket row/);
	});
});

describe('buildDropIn', () => {
	it('adds a [Service] header to a headerless drop-in (systemd: "Assignment outside of section. Ignoring.")', () => {
		expect(buildDropIn('Environment="OLLAMA_HOST=0.0.0.0:11434"\n', '192.168.1.20:11434')).toBe('[Service]\nEnvironment="OLLAMA_HOST=192.168.1.20:11434"\n');
		expect(buildDropIn('[Service]\nEnvironment="A=1"\n\n[Unit]\nDescription=x\n', '0.0.0.0:11434')).toBe('[Service]\nEnvironment="A=1"\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n\n[Unit]\nDescription=x\n');
	});
});

// systemd-analyze is installed here; elsewhere the test is skipped with its reason unless WIZARD_REQUIRE_TOOLS is set.
const analyzer = spawnSync('systemd-analyze', ['--version'], {encoding: 'utf8'});
const hasAnalyzer = analyzer.status === 0;
const mustRun = Boolean(process.env.WIZARD_REQUIRE_TOOLS);

function verify(dropIn: string): {status: number | null; stderr: string} {
	const dir = tempDir('otw-systemd-');
	mkdirSync(path.join(dir, 'ollama.service.d'));
	// The installer's unit, with ExecStart pointed at a binary that exists here.
	writeFileSync(path.join(dir, 'ollama.service'), ollamaUnit(process.execPath));
	writeFileSync(path.join(dir, 'ollama.service.d', 'override.conf'), dropIn);
	// A trailing ':' keeps the system unit path, so default dependencies (sysinit.target) resolve.
	const r = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'ollama.service')], {encoding: 'utf8', env: {...process.env, SYSTEMD_UNIT_PATH: `${dir}:`}});
	return {status: r.status, stderr: r.stderr};
}

describe(`the drop-in passes systemd-analyze verify${hasAnalyzer ? '' : ' (skipped: systemd-analyze is not installed; set WIZARD_REQUIRE_TOOLS=1 to fail instead)'}`, () => {
	it.skipIf(!hasAnalyzer && !mustRun)('the generated drop-in verifies cleanly; a headerless one is reported (control)', () => {
		const good = verify(buildDropIn(null, '0.0.0.0:11434'));
		expect(good.stderr).toBe('');
		expect(good.status).toBe(0);
		const bad = verify('Environment="OLLAMA_HOST=0.0.0.0:11434"\n');
		expect(bad.stderr).toContain('Assignment outside of section. Ignoring.');
		const merged = verify(buildDropIn('Environment="OLLAMA_HOST=0.0.0.0:11434"\n', '0.0.0.0:11434'));
		expect(merged.stderr).toBe('');
	});
});

describe('step 2 planned for Linux from another OS (--platform linux --dry-run)', () => {
	it('runs nothing and shows the drop-in in full with the sudo commands, saying it assumed them', async () => {
		const ctx = serverCtx({platform: 'linux', dryRun: true});
		const out = await runThrough(ollamaRemoteAccess, ctx, {simulated: true, method: 'systemd', bind: '0.0.0.0:11434'}, 'dry-run');
		expect(ctx.runner.calls).toEqual([]);
		expect(ctx.http.requests).toEqual([]);
		expect(out.result.status).toBe('warn');
		expect(out.result.details.join('\n')).toContain('ollama.service exists (the official installer creates it)');
		const kinds = out.plan?.actions.map((a) => (a.kind === 'command' ? a.argv.slice(0, 3).join(' ') : a.kind));
		expect(kinds).toEqual(['file', 'sudo install -D', 'sudo systemctl daemon-reload', 'sudo systemctl restart']);
		expect(out.plan?.actions[0]).toMatchObject({path: LINUX_DROPIN, after: '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n'});
	});
});

describe('step 2 with the systemd Connector on this machine', () => {
	it('a loopback-only Ollama is fine when the Resource is 127.0.0.1 on this machine: nothing to change', async () => {
		const ctx = linux();
		ctx.runner.expect(...detect('1000', SS_LOOPBACK));
		const out = await runThrough(ollamaRemoteAccess, ctx, {connector: 'systemd-here', resourceAddress: '127.0.0.1'}, 'check');
		expect(out.result.status).toBe('ok');
		expect(out.result.summary).toMatch(/systemd Connector on this machine reaches it at 127\.0\.0\.1/);
		ctx.runner.assertDone();
	});

	it('with the Resource on the LAN IP, loopback is still a failure', async () => {
		const ctx = linux();
		ctx.runner.expect(...detect('1000', SS_LOOPBACK));
		const out = await runThrough(ollamaRemoteAccess, ctx, {connector: 'systemd-here'}, 'check');
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('loopback-bind');
	});
});
