/**
 * An apply that fails half way still tells what it changed (actionsDone), so undo can revert an
 * installed drop-in whose restart failed; and settleAfterUndo waits for the server between undo's
 * reverse commands (the port free after a quit, a listener again after a restart).
 */
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import type {ExpectedCommand} from '../support/fake-runner.js';
import {wizardPaths} from '../../source/core/paths.js';
import {ollamaRemoteAccess} from '../../source/steps/ollama-remote-access.js';
import {LINUX_DROPIN, LINUX_UNIT} from '../../source/server/detect.js';
import {actionsDone, settleAfterUndo} from '../../source/server/execute.js';
import {LINUX_LAN, SS_F4, SS_LOOPBACK, ollamaUnit} from './fixtures.js';
import {argvOf, runThrough, serverCtx} from './support.js';

const SS = ['ss', '-ltnp', 'sport = :11434'];

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

describe('a half-done apply of step 2', () => {
	it('the restart failed after the drop-in was installed: actionsDone names the install and its undo', async () => {
		const ctx = serverCtx({platform: 'linux', files: {[LINUX_UNIT]: ollamaUnit('/usr/local/bin/ollama')}, routes: {'127.0.0.1': server.url, [LINUX_LAN]: server.url}});
		const staging = path.join(wizardPaths(ctx.env).stateDir, 'staging', 'override.conf');
		const detect: ExpectedCommand[] = [
			{argv: ['id', '-u'], stdout: '1000\n'},
			{argv: SS, stdout: SS_LOOPBACK},
			{argv: ['systemctl', 'is-active', 'ollama'], stdout: 'active\n'},
		];
		ctx.runner.expect(
			...detect,
			...detect,
			{argv: ['sudo', 'install', '-D', '-m', '0644', staging, LINUX_DROPIN]},
			{argv: ['sudo', 'systemctl', 'daemon-reload']},
			{argv: ['sudo', 'systemctl', 'restart', 'ollama'], exitCode: 1, stderr: 'Job for ollama.service failed.'},
		);
		const out = await runThrough(ollamaRemoteAccess, ctx, {method: 'systemd', bind: '0.0.0.0:11434'});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		const done = actionsDone(out.plan ?? {actions: [], inputs: {}});
		expect(done.map((a) => (a.kind === 'command' ? a.argv.slice(0, 3).join(' ') : a.kind))).toEqual(['file', 'sudo install -D', 'sudo systemctl daemon-reload']);
		expect(done.flatMap((a) => (a.kind === 'command' && a.undo ? [a.undo] : []))).toEqual([['sudo', 'rm', '-f', LINUX_DROPIN]]);
	});
});

describe('settleAfterUndo', () => {
	it('after a restart it polls until Ollama listens again; after quitting the app until the port is free; other commands need no wait', async () => {
		const linux = serverCtx({platform: 'linux'});
		linux.runner.expect({argv: SS, stdout: ''}, {argv: SS, stdout: SS_F4});
		await settleAfterUndo(linux, ['sudo', 'systemctl', 'restart', 'ollama']);
		await settleAfterUndo(linux, ['sudo', 'rm', '-f', LINUX_DROPIN]);
		linux.runner.assertDone();
		expect(argvOf(linux)).toEqual([SS, SS]);
		expect(linux.clock.slept).toBe(500);

		const mac = serverCtx({platform: 'darwin'});
		const lsof = ['lsof', '-nP', '-iTCP:11434', '-sTCP:LISTEN'];
		mac.runner.expect({argv: lsof, stdout: '', exitCode: 1});
		await settleAfterUndo(mac, ['osascript', '-e', 'quit app "Ollama"']);
		await settleAfterUndo(mac, ['launchctl', 'unsetenv', 'OLLAMA_HOST']);
		mac.runner.assertDone();
		expect(argvOf(mac)).toEqual([lsof]);
	});
});
