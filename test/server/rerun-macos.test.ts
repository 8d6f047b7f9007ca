/**
 * Step 2 on macOS, run again on a Mac where the earlier run's change is in place: the fake runner (which
 * fails on any command it was not given) holds only the read-only detection, so a second identical run
 * that tried to set, quit, load or restart anything would fail. After a real change only the needed
 * commands run, each with the argv that reverses it.
 */
import path from 'node:path';
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ExpectedCommand} from '../support/fake-runner.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {ollamaRemoteAccess} from '../../source/steps/ollama-remote-access.js';
import {AGENT_LABEL, APP_BINARY, BREW_LABEL, SOCKETFILTERFW} from '../../source/server/detect.js';
import {buildAgentPlist} from '../../source/server/service-files.js';
import {FW_OFF, FW_ON, IFCONFIG, LSOF_F1, MAC_LAN, appPermitted, launchctlPrint, lsofAll, lsofLoopback, notLoaded} from './fixtures.js';
import {undoCommands} from './fake-linux-host.js';
import {argvOf, runThrough, serverCtx, type ServerTestCtx} from './support.js';

const LSOF = ['lsof', '-nP', '-iTCP:11434', '-sTCP:LISTEN'];
const QUIT = ['osascript', '-e', 'quit app "Ollama"'];
const BREW_BIN = '/opt/homebrew/opt/ollama/bin/ollama';
const APP = {'/Applications/Ollama.app': {dir: true as const}};

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

function mac(files: Record<string, string | {dir: true}> = {}): ServerTestCtx & {writes: string[]} {
	const ctx = serverCtx({platform: 'darwin', files, routes: {'127.0.0.1': server.url, [MAC_LAN]: server.url}});
	const writes: string[] = [];
	const write = ctx.fs.writeAtomic.bind(ctx.fs);
	ctx.fs.writeAtomic = async (p, content, o) => {
		writes.push(p);
		return write(p, content, o);
	};
	return Object.assign(ctx, {writes});
}

function detectApp(lsof: string, env: string): ExpectedCommand[] {
	return [
		{argv: ['id', '-u'], stdout: '501\n'},
		{argv: LSOF, stdout: lsof},
		{argv: ['pgrep', '-x', 'Ollama'], stdout: '853\n'},
		{argv: ['launchctl', 'getenv', 'OLLAMA_HOST'], stdout: env ? `${env}\n` : ''},
	];
}
const fwApp: ExpectedCommand[] = [
	{argv: [SOCKETFILTERFW, '--getglobalstate'], stdout: FW_ON},
	{argv: [SOCKETFILTERFW, '--getappblocked', APP_BINARY], stdout: appPermitted(APP_BINARY)},
];

describe('step 2 rerun on macOS: launchctl setenv', () => {
	it('OLLAMA_HOST already set and the app listens on all interfaces: only reads, the app is not restarted', async () => {
		const ctx = mac(APP);
		const reads = [...detectApp(lsofAll(1300), '0.0.0.0:11434'), {argv: ['ifconfig'], stdout: IFCONFIG}, ...fwApp, ...detectApp(lsofAll(1300), '0.0.0.0:11434')];
		ctx.runner.expect(...reads);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'setenv', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual(reads.map((c) => c.argv));
		expect(out.applied).toBe(false);
		expect(out.result.status).toBe('ok');
		expect(out.plan?.actions).toEqual([]);
		expect(ctx.writes).toEqual([]);
	});

	it('set earlier but the app still listens on loopback: only quit and reopen (no setenv, nothing for undo)', async () => {
		const ctx = mac(APP);
		const apply: ExpectedCommand[] = [{argv: QUIT}, {argv: LSOF, stdout: '', exitCode: 1}, {argv: ['open', '-a', 'Ollama']}];
		const after = [...detectApp(lsofAll(1400), '0.0.0.0:11434'), {argv: ['ifconfig'], stdout: IFCONFIG}, ...fwApp];
		ctx.runner.expect(...detectApp(LSOF_F1, '0.0.0.0:11434'), ...detectApp(LSOF_F1, '0.0.0.0:11434'), ...apply, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'setenv', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(argvOf(ctx).some((a) => a[1] === 'setenv')).toBe(false);
		expect(out.result.status).toBe('ok');
		expect(undoCommands(out.run.commands)).toEqual([]);
	});

	it('a different earlier value: undo sets that value again (not unsetenv), between quitting and reopening the app', async () => {
		const ctx = mac(APP);
		const apply: ExpectedCommand[] = [{argv: QUIT}, {argv: LSOF, stdout: '', exitCode: 1}, {argv: ['launchctl', 'setenv', 'OLLAMA_HOST', '0.0.0.0:11434']}, {argv: ['open', '-a', 'Ollama']}];
		const after = [...detectApp(lsofAll(1400), '0.0.0.0:11434'), {argv: ['ifconfig'], stdout: IFCONFIG}, ...fwApp];
		ctx.runner.expect(...detectApp(LSOF_F1, '127.0.0.1:11434'), ...detectApp(LSOF_F1, '127.0.0.1:11434'), ...apply, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'setenv', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(undoCommands(out.run.commands)).toEqual([QUIT, ['launchctl', 'setenv', 'OLLAMA_HOST', '127.0.0.1:11434'], ['open', '-a', 'Ollama']]);
	});
});

describe('step 2 rerun on macOS: the wizard-owned LaunchAgent', () => {
	const brewOff: ExpectedCommand = {argv: ['launchctl', 'print', `gui/501/${BREW_LABEL}`], stdout: notLoaded(BREW_LABEL), exitCode: 113};
	const agent = (pid: number, host: string): ExpectedCommand => ({argv: ['launchctl', 'print', `gui/501/${AGENT_LABEL}`], stdout: launchctlPrint({label: AGENT_LABEL, program: BREW_BIN, pid, host})});
	const detect = (lsof: string, pid: number, host = '0.0.0.0:11434'): ExpectedCommand[] => [{argv: ['id', '-u'], stdout: '501\n'}, {argv: LSOF, stdout: lsof}, brewOff, agent(pid, host)];

	async function withPlist(ctx: ServerTestCtx, bind: string): Promise<string> {
		const plist = path.join(ctx.home, 'Library', 'LaunchAgents', `${AGENT_LABEL}.plist`);
		mkdirSync(path.dirname(plist), {recursive: true});
		writeFileSync(plist, await buildAgentPlist({binary: BREW_BIN, bind, home: ctx.home}));
		return plist;
	}

	it('the same plist, loaded and listening: no bootout, no plutil, no bootstrap, the plist is not rewritten', async () => {
		const ctx = mac({[BREW_BIN]: 'binary'});
		const plist = await withPlist(ctx, '0.0.0.0:11434');
		const mtime = statSync(plist).mtimeMs;
		const reads = [...detect(lsofAll(4242), 4242), {argv: ['ifconfig'], stdout: IFCONFIG}, {argv: [SOCKETFILTERFW, '--getglobalstate'], stdout: FW_OFF}, ...detect(lsofAll(4242), 4242)];
		ctx.runner.expect(...reads);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'brew', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual(reads.map((c) => c.argv));
		expect(out.applied).toBe(false);
		expect(out.plan?.actions).toEqual([]);
		expect(ctx.writes).toEqual([]);
		expect(statSync(plist).mtimeMs).toBe(mtime);
	});

	it('the same plist but the agent listens on loopback: only launchctl kickstart -k, no file written', async () => {
		const ctx = mac({[BREW_BIN]: 'binary'});
		await withPlist(ctx, '0.0.0.0:11434');
		const after = [...detect(lsofAll(4300), 4300), {argv: ['ifconfig'], stdout: IFCONFIG}, {argv: [SOCKETFILTERFW, '--getglobalstate'], stdout: FW_OFF}];
		ctx.runner.expect(...detect(lsofLoopback(4242), 4242), ...detect(lsofLoopback(4242), 4242), {argv: ['launchctl', 'kickstart', '-k', `gui/501/${AGENT_LABEL}`]}, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'brew', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('ok');
		expect(ctx.writes).toEqual([]);
		expect(undoCommands(out.run.commands)).toEqual([]);
	});

	it('a new bind: bootout, the new plist, plutil, bootstrap — undo unloads it and loads the old one again after the file is restored', async () => {
		const ctx = mac({[BREW_BIN]: 'binary'});
		const plist = await withPlist(ctx, '0.0.0.0:11434');
		const apply: ExpectedCommand[] = [
			{argv: ['launchctl', 'bootout', `gui/501/${AGENT_LABEL}`]},
			{argv: ['plutil', '-lint', plist], stdout: `${plist}: OK\n`},
			{argv: LSOF, stdout: '', exitCode: 1},
			{argv: ['launchctl', 'bootstrap', 'gui/501', plist]},
		];
		const after = [...detect(`ollama    4400 me      3u  IPv4 0x1      0t0  TCP ${MAC_LAN}:11434 (LISTEN)`, 4400, `${MAC_LAN}:11434`), {argv: [SOCKETFILTERFW, '--getglobalstate'], stdout: FW_OFF}];
		const check = [...detect(lsofAll(4242), 4242), {argv: ['ifconfig'], stdout: IFCONFIG}, {argv: [SOCKETFILTERFW, '--getglobalstate'], stdout: FW_OFF}];
		ctx.runner.expect(...check, ...detect(lsofAll(4242), 4242), ...apply, ...after);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'brew', bind: `${MAC_LAN}:11434`});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('ok');
		expect(readFileSync(plist, 'utf8')).toContain(`${MAC_LAN}:11434`);
		expect(undoCommands(out.run.commands)).toEqual([
			['launchctl', 'bootout', `gui/501/${AGENT_LABEL}`],
			['launchctl', 'bootstrap', 'gui/501', plist],
		]);
		expect(out.run.files).toMatchObject([{path: plist, created: false}]);
	});
});
