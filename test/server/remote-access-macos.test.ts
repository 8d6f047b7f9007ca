/**
 * Step 2 on macOS, end to end through the real runner (check → plan → apply → check) with the fake
 * command runner fed real recorded outputs and the real fake-Ollama HTTP server.
 * Every flow asserts the exact commands, in order, and runner.assertDone().
 */
import path from 'node:path';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {parse as parsePlist} from 'plist';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ExpectedCommand} from '../support/fake-runner.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {ollamaRemoteAccess} from '../../source/steps/ollama-remote-access.js';
import {SECURITY_WARNING} from '../../source/server/answers.js';
import {AGENT_LABEL, APP_BINARY, BREW_LABEL, SOCKETFILTERFW} from '../../source/server/detect.js';
import {buildAgentPlist} from '../../source/server/service-files.js';
import {
	FW_OFF,
	FW_ON,
	IFCONFIG,
	LSOF_F1,
	LSOF_F2,
	LSOF_F3,
	MAC_LAN,
	appPermitted,
	launchctlPrint,
	lsofAll,
	lsofLoopback,
	lsofSpecific,
	notLoaded,
} from './fixtures.js';
import {argvOf, runThrough, serverCtx, type ServerTestCtx} from './support.js';

const LSOF = ['lsof', '-nP', '-iTCP:11434', '-sTCP:LISTEN'];
const BREW_BIN = '/opt/homebrew/opt/ollama/bin/ollama';
const QUIT = ['osascript', '-e', 'quit app "Ollama"'];

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

function mac(files: Record<string, string | {dir: true}> = {}): ServerTestCtx {
	return serverCtx({platform: 'darwin', files, routes: {'127.0.0.1': server.url, [MAC_LAN]: server.url}});
}

const APP = {'/Applications/Ollama.app': {dir: true as const}};

/** Detection for Ollama.app: id -u, lsof, pgrep -x Ollama, launchctl getenv. */
function detectApp(lsof: string, opts: {running?: boolean; env?: string; agent?: string | null} = {}): ExpectedCommand[] {
	const running = opts.running ?? true;
	const out: ExpectedCommand[] = [
		{argv: ['id', '-u'], stdout: '501\n'},
		{argv: LSOF, stdout: lsof, exitCode: lsof === '' ? 1 : 0},
		{argv: ['pgrep', '-x', 'Ollama'], stdout: running ? '853\n' : '', exitCode: running ? 0 : 1},
		{argv: ['launchctl', 'getenv', 'OLLAMA_HOST'], stdout: opts.env ? `${opts.env}\n` : ''},
	];
	if (opts.agent !== undefined) {
		out.push(opts.agent === null ? {argv: ['launchctl', 'print', `gui/501/${AGENT_LABEL}`], stdout: notLoaded(AGENT_LABEL), exitCode: 113} : {argv: ['launchctl', 'print', `gui/501/${AGENT_LABEL}`], stdout: opts.agent});
	}
	return out;
}

const portFree: ExpectedCommand = {argv: LSOF, stdout: '', exitCode: 1};
const fw = (state: string, bin?: string): ExpectedCommand[] => [
	{argv: [SOCKETFILTERFW, '--getglobalstate'], stdout: state},
	...(bin ? [{argv: [SOCKETFILTERFW, '--getappblocked', bin], stdout: appPermitted(bin)}] : []),
];

function plistAt(ctx: ServerTestCtx): string {
	return path.join(ctx.home, 'Library', 'LaunchAgents', `${AGENT_LABEL}.plist`);
}

describe('step 2 on macOS: already exposed', () => {
	it('F2 *:11434 held by the app: ok, LAN GET / answers, firewall allows the app binary; nothing is applied', async () => {
		const ctx = mac(APP);
		const check = [...detectApp(LSOF_F2), {argv: ['ifconfig'], stdout: IFCONFIG}, ...fw(FW_ON, APP_BINARY)];
		ctx.runner.expect(...check, ...detectApp(LSOF_F2));
		const out = await runThrough(ollamaRemoteAccess, ctx, {});
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([...check, ...detectApp(LSOF_F2)].map((c) => c.argv));
		expect(out.result.status).toBe('ok');
		expect(out.applied).toBe(false);
		expect(out.result.summary).toContain(`GET http://${MAC_LAN}:11434/ answers "Ollama is running"`);
		expect(out.result.details).toContain(SECURITY_WARNING);
		// The 100.x on utun4 is labelled, never tested or proposed.
		expect(out.result.details.join('\n')).toContain('100.87.112.117 on utun4: tunnel handle other machines cannot use');
		expect(ctx.http.requests).toContain(`http://${MAC_LAN}:11434/`);
		expect(out.result.details).toContain('Locally: GET http://127.0.0.1:11434/ answered "Ollama is running".');
	});
});

describe('step 2 on macOS: Ollama.app', () => {
	it('setenv: quit the app, launchctl setenv OLLAMA_HOST, reopen the app, then verify (lost on reboot is said)', async () => {
		const ctx = mac(APP);
		const before = detectApp(LSOF_F1);
		const apply: ExpectedCommand[] = [{argv: QUIT}, portFree, {argv: ['launchctl', 'setenv', 'OLLAMA_HOST', '0.0.0.0:11434']}, {argv: ['open', '-a', 'Ollama']}];
		const after = [...detectApp(lsofAll(1300), {env: '0.0.0.0:11434'}), {argv: ['ifconfig'], stdout: IFCONFIG}, ...fw(FW_ON, APP_BINARY)];
		ctx.runner.expect(...before, ...detectApp(LSOF_F1), ...apply, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'setenv', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([...before, ...detectApp(LSOF_F1), ...apply, ...after].map((c) => c.argv));
		expect(out.applied).toBe(true);
		expect(out.result.status).toBe('ok');
		expect(out.plan?.notes?.join(' ')).toMatch(/lost on reboot/);
		// Undo runs these in reverse: quit the app, unset the variable, open the app again.
		expect(out.run.commands).toMatchObject([
			{argv: QUIT, undo: ['open', '-a', 'Ollama']},
			{argv: ['launchctl', 'setenv', 'OLLAMA_HOST', '0.0.0.0:11434'], undo: ['launchctl', 'unsetenv', 'OLLAMA_HOST']},
			{argv: ['open', '-a', 'Ollama'], undo: QUIT},
		]);
		expect(out.result.details.join('\n')).toContain('launchctl getenv OLLAMA_HOST = 0.0.0.0:11434');
	});

	it('app-setting: the plan says what to click (the wizard cannot write the switch); after the click the check passes', async () => {
		const ctx = mac(APP);
		const db = path.join(ctx.home, 'Library', 'Application Support', 'Ollama', 'db.sqlite');
		mkdirSync(path.dirname(db), {recursive: true});
		writeFileSync(db, '');
		const sqlite = (v: string): ExpectedCommand => ({argv: ['sqlite3', '-readonly', db, 'select expose from settings'], stdout: `${v}\n`});
		const first = [...detectApp(LSOF_F1), sqlite('0')];
		ctx.runner.expect(...first, ...first);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'app-setting'});
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('loopback-bind');
		const planEvent = out.events.find((e) => e.type === 'step:plan');
		expect(planEvent && planEvent.type === 'step:plan' && planEvent.plan.actions[0]?.kind).toBe('manual');
		expect(JSON.stringify(planEvent)).toContain('Expose Ollama to the network');
		ctx.runner.assertDone();

		// The user flipped the switch.
		const again = [...detectApp(LSOF_F2), sqlite('1'), {argv: ['ifconfig'], stdout: IFCONFIG}, ...fw(FW_OFF)];
		ctx.runner.expect(...again, ...detectApp(LSOF_F2), sqlite('1'));
		const second = await runThrough(ollamaRemoteAccess, ctx, {method: 'app-setting'});
		ctx.runner.assertDone();
		expect(second.result.status).toBe('ok');
		expect(second.result.details).toContain('Ollama.app "Expose Ollama to the network": on (binds 0.0.0.0:11434).');
	});
});

describe('step 2 on macOS: the wizard-owned LaunchAgent', () => {
	it('Homebrew: brew services stop, the plist with brew\'s real binary, plutil -lint, launchctl bootstrap gui/501; then verified', async () => {
		const ctx = mac({[BREW_BIN]: 'binary'});
		const brewRunning: ExpectedCommand = {argv: ['launchctl', 'print', `gui/501/${BREW_LABEL}`], stdout: launchctlPrint({label: BREW_LABEL, program: BREW_BIN, pid: 24901})};
		const detectBrew = [{argv: ['id', '-u'], stdout: '501\n'}, {argv: LSOF, stdout: lsofLoopback(24901)}, brewRunning];
		const plist = plistAt(ctx);
		const apply: ExpectedCommand[] = [{argv: ['brew', 'services', 'stop', 'ollama']}, {argv: ['plutil', '-lint', plist], stdout: `${plist}: OK\n`}, portFree, {argv: ['launchctl', 'bootstrap', 'gui/501', plist]}];
		const after: ExpectedCommand[] = [
			{argv: ['id', '-u'], stdout: '501\n'},
			{argv: LSOF, stdout: lsofAll(4242)},
			{argv: ['launchctl', 'print', `gui/501/${BREW_LABEL}`], stdout: notLoaded(BREW_LABEL), exitCode: 113},
			{argv: ['launchctl', 'print', `gui/501/${AGENT_LABEL}`], stdout: launchctlPrint({label: AGENT_LABEL, program: BREW_BIN, pid: 4242, host: '0.0.0.0:11434'})},
			{argv: ['ifconfig'], stdout: IFCONFIG},
			...fw(FW_OFF),
		];
		ctx.runner.expect(...detectBrew, ...detectBrew, ...apply, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'brew', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([...detectBrew, ...detectBrew, ...apply, ...after].map((c) => c.argv));
		expect(out.result.status).toBe('ok');
		expect(out.result.details.join('\n')).toContain(`the LaunchAgent ${AGENT_LABEL}`);
		// The plist parses back with the plist library and holds the detected path and OLLAMA_HOST.
		const parsed = parsePlist(readFileSync(plist, 'utf8')) as Record<string, unknown>;
		expect(parsed).toMatchObject({
			Label: AGENT_LABEL,
			ProgramArguments: [BREW_BIN, 'serve'],
			EnvironmentVariables: {OLLAMA_HOST: '0.0.0.0:11434'},
			RunAtLoad: true,
			KeepAlive: true,
			StandardOutPath: path.join(ctx.home, 'Library', 'Logs', 'ollama-server.log'),
		});
		expect(out.run.commands.map((c) => c.undo)).toEqual([['brew', 'services', 'start', 'ollama'], null, ['launchctl', 'bootout', `gui/501/${AGENT_LABEL}`]]);
		expect(out.run.files).toMatchObject([{path: plist, backup: null, created: true}]);
	});

	it('the app runs its own server: quit it first, then the LaunchAgent with the app\'s binary on the LAN address', async () => {
		const ctx = mac(APP);
		const plist = plistAt(ctx);
		const apply: ExpectedCommand[] = [{argv: QUIT}, {argv: ['plutil', '-lint', plist], stdout: `${plist}: OK\n`}, portFree, {argv: ['launchctl', 'bootstrap', 'gui/501', plist]}];
		const after: ExpectedCommand[] = [
			...detectApp(lsofSpecific(5555, MAC_LAN), {running: false, agent: launchctlPrint({label: AGENT_LABEL, program: APP_BINARY, pid: 5555, host: `${MAC_LAN}:11434`})}),
			...fw(FW_ON, APP_BINARY),
		];
		ctx.runner.expect(...detectApp(LSOF_F1), ...detectApp(LSOF_F1), ...apply, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'launchagent', bind: `${MAC_LAN}:11434`});
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([...detectApp(LSOF_F1), ...detectApp(LSOF_F1), ...apply, ...after].map((c) => c.argv));
		expect(out.result.status).toBe('ok');
		const parsed = parsePlist(readFileSync(plist, 'utf8')) as {ProgramArguments: string[]; EnvironmentVariables: {OLLAMA_HOST: string}};
		expect(parsed.ProgramArguments).toEqual([APP_BINARY, 'serve']);
		expect(parsed.EnvironmentVariables.OLLAMA_HOST).toBe(`${MAC_LAN}:11434`);
		const manual = out.plan?.actions.find((a) => a.kind === 'manual');
		expect(manual && manual.kind === 'manual' && manual.text).toContain('Login Items');
		expect(out.run.commands[0]).toMatchObject({argv: QUIT, undo: ['open', '-a', 'Ollama']});
	});

	it('refused while the app\'s server still holds 11434 after the quit: no bootstrap, a clear fail', async () => {
		const ctx = mac(APP);
		const plist = plistAt(ctx);
		ctx.runner.expect(...detectApp(LSOF_F1), ...detectApp(LSOF_F1), {argv: QUIT}, {argv: ['plutil', '-lint', plist], stdout: `${plist}: OK\n`}, {argv: LSOF, stdout: LSOF_F1, repeat: true});
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'launchagent', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(argvOf(ctx).some((a) => a[1] === 'bootstrap')).toBe(false);
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('two-servers');
		expect(out.result.summary).toMatch(/^Refused to load the LaunchAgent: another Ollama server still holds port 11434/);
		expect(ctx.clock.slept).toBeGreaterThan(0);
	});

	it('the user declines to quit the app: the plan is only the refusal, nothing runs', async () => {
		const ctx = mac(APP);
		ctx.runner.expect(...detectApp(LSOF_F1), ...detectApp(LSOF_F1));
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'launchagent', bind: '0.0.0.0:11434', quitApp: false});
		ctx.runner.assertDone();
		expect(out.applied).toBe(false);
		expect(out.plan?.actions.map((a) => a.kind)).toEqual(['manual']);
		expect(JSON.stringify(out.plan)).toContain('refused while Ollama.app runs its own server');
	});
});

describe('step 2 on macOS: two servers (F3)', () => {
	it('app on 127.0.0.1 plus an old LaunchAgent on *: a finding of its own; the plan keeps one', async () => {
		const ctx = mac(APP);
		const plist = plistAt(ctx);
		const old = await buildAgentPlist({binary: '/usr/local/bin/ollama', bind: '0.0.0.0:11434', home: ctx.home});
		mkdirSync(path.dirname(plist), {recursive: true});
		writeFileSync(plist, old);
		const agent4242 = launchctlPrint({label: AGENT_LABEL, program: '/usr/local/bin/ollama', pid: 4242, host: '0.0.0.0:11434'});
		const detectTwo = detectApp(LSOF_F3, {agent: agent4242});
		const apply: ExpectedCommand[] = [
			{argv: QUIT},
			{argv: ['launchctl', 'bootout', `gui/501/${AGENT_LABEL}`]},
			{argv: ['plutil', '-lint', plist], stdout: `${plist}: OK\n`},
			portFree,
			{argv: ['launchctl', 'bootstrap', 'gui/501', plist]},
		];
		const after = [
			...detectApp(lsofAll(7777), {running: false, agent: launchctlPrint({label: AGENT_LABEL, program: APP_BINARY, pid: 7777, host: '0.0.0.0:11434'})}),
			{argv: ['ifconfig'], stdout: IFCONFIG},
			...fw(FW_OFF),
		];
		ctx.runner.expect(...detectTwo, ...detectTwo, ...apply, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'launchagent', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([...detectTwo, ...detectTwo, ...apply, ...after].map((c) => c.argv));
		const firstCheck = out.events.find((e) => e.type === 'step:plan');
		expect(firstCheck).toBeDefined();
		const fileAction = out.plan?.actions.find((a) => a.kind === 'file');
		expect(fileAction && fileAction.kind === 'file' && fileAction.before).toBe(old);
		expect(out.result.status).toBe('ok');
		expect(out.result.details.join('\n')).toContain('PID 7777');
	});

	it('check alone reports both listeners with who holds them', async () => {
		const ctx = mac(APP);
		writeFileSync(path.join(ctx.dir, 'x'), '');
		mkdirSync(path.dirname(plistAt(ctx)), {recursive: true});
		writeFileSync(plistAt(ctx), await buildAgentPlist({binary: '/usr/local/bin/ollama', bind: '0.0.0.0:11434', home: ctx.home}));
		ctx.runner.expect(...detectApp(LSOF_F3, {agent: launchctlPrint({label: AGENT_LABEL, program: '/usr/local/bin/ollama', pid: 4242})}));
		const out = await runThrough(ollamaRemoteAccess, ctx, {}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('two-servers');
		expect(out.result.summary).toContain('2 servers listen on port 11434 at once');
		expect(out.result.details.join('\n')).toMatch(/PID 921\) on 127\.0\.0\.1:11434 — Ollama\.app/);
		expect(out.result.details.join('\n')).toMatch(/PID 4242\) on \*:11434 — the LaunchAgent com\.ollama\.server/);
		expect(out.result.remediation?.commands).toEqual([QUIT]);
	});
});

describe('step 2 on macOS: malformed output is a clear fail, not a crash', () => {
	it('lsof prints something that is not a socket row', async () => {
		const ctx = mac(APP);
		ctx.runner.expect({argv: ['id', '-u'], stdout: '501\n'}, {argv: LSOF, stdout: 'lsof: WARNING: can\'t stat() nfs file system /Volumes/x\ngarbage here'}, {argv: ['pgrep', '-x', 'Ollama'], exitCode: 1}, {argv: ['launchctl', 'getenv', 'OLLAMA_HOST']});
		const out = await runThrough(ollamaRemoteAccess, ctx, {}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('unreadable-output');
		expect(out.result.summary).toMatch(/^Could not tell where Ollama listens: Line 1 of the lsof output is not a socket row/);
	});

	it('launchctl print without a service block', async () => {
		const ctx = mac({[BREW_BIN]: 'binary'});
		ctx.runner.expect({argv: ['id', '-u'], stdout: '501\n'}, {argv: LSOF, stdout: LSOF_F2}, {argv: ['launchctl', 'print', `gui/501/${BREW_LABEL}`], stdout: 'Usage: launchctl print <service-target>'});
		const out = await runThrough(ollamaRemoteAccess, ctx, {}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		expect(out.result.summary).toContain('launchctl print did not show a service block');
	});

	it('the application firewall blocks the binary: fail with the exact socketfilterfw commands', async () => {
		const ctx = mac(APP);
		ctx.runner.expect(...detectApp(LSOF_F2), {argv: ['ifconfig'], stdout: IFCONFIG}, {argv: [SOCKETFILTERFW, '--getglobalstate'], stdout: FW_ON}, {argv: [SOCKETFILTERFW, '--getappblocked', APP_BINARY], stdout: `Incoming connection to ${APP_BINARY} is blocked `});
		const out = await runThrough(ollamaRemoteAccess, ctx, {}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('firewall');
		expect(out.result.remediation?.commands).toEqual([
			['sudo', SOCKETFILTERFW, '--add', APP_BINARY],
			['sudo', SOCKETFILTERFW, '--unblockapp', APP_BINARY],
		]);
	});

	it('a bind with a scheme is refused before anything runs (http://0.0.0.0 would bind port 80)', async () => {
		const ctx = mac(APP);
		ctx.runner.expect(...detectApp(LSOF_F1), ...detectApp(LSOF_F1));
		await expect(runThrough(ollamaRemoteAccess, ctx, {method: 'setenv', bind: 'http://0.0.0.0'})).rejects.toThrow(/has a scheme; Ollama would then bind port 80/);
	});
});
