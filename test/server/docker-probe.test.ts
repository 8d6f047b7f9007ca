/**
 * The Docker reachability probe without a terminal: `--docker-probe yes|no`,
 * the default (not run, and the plan says so), the per-platform command (Docker Desktop's host-gateway
 * alias on a Mac; `--network=host` against 127.0.0.1 on Linux), and the result kept in the journal.
 */
import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import {flowSetup} from '../../source/app/flows.js';
import {interviewRemoteAccess} from '../../source/app/server-interviews.js';
import {Session} from '../../source/app/session.js';
import {wizardPaths} from '../../source/core/paths.js';
import {LINUX_UNIT} from '../../source/server/detect.js';
import {dockerProbeArgv} from '../../source/server/connector.js';
import {ollamaRemoteAccess} from '../../source/steps/ollama-remote-access.js';
import type {ExpectedCommand} from '../support/fake-runner.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {IFCONFIG, IP_J_ADDR, LSOF_F1, SS_LOOPBACK, ollamaUnit} from './fixtures.js';
import {runThrough, serverCtx, type ServerTestCtx} from './support.js';

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

const MAC_PROBE = ['docker', 'run', '--rm', '--add-host', 'dockerhost:host-gateway', 'curlimages/curl', '-fsS', '--max-time', '5', 'http://dockerhost:11434/api/version'];
const LINUX_PROBE = ['docker', 'run', '--rm', '--network=host', 'curlimages/curl', '-fsS', '--max-time', '5', 'http://127.0.0.1:11434/api/version'];

function mac(): ServerTestCtx {
	return serverCtx({platform: 'darwin', files: {'/Applications/Ollama.app': {dir: true}}, routes: {'127.0.0.1': server.url}});
}

/** Ollama.app serving on loopback; repeatable, every check detects again. */
const macLoopback: ExpectedCommand[] = [
	{argv: ['id', '-u'], stdout: '501\n', repeat: true},
	{argv: ['lsof', '-nP', '-iTCP:11434', '-sTCP:LISTEN'], stdout: LSOF_F1, repeat: true},
	{argv: ['pgrep', '-x', 'Ollama'], stdout: '853\n', repeat: true},
	{argv: ['launchctl', 'getenv', 'OLLAMA_HOST'], repeat: true},
];

function linux(): ServerTestCtx {
	return serverCtx({platform: 'linux', files: {[LINUX_UNIT]: ollamaUnit('/usr/local/bin/ollama')}, routes: {'127.0.0.1': server.url}});
}

const linuxLoopback: ExpectedCommand[] = [
	{argv: ['id', '-u'], stdout: '1000\n', repeat: true},
	{argv: ['ss', '-ltnp', 'sport = :11434'], stdout: SS_LOOPBACK, repeat: true},
	{argv: ['systemctl', 'is-active', 'ollama'], stdout: 'active\n', repeat: true},
];

function session(ctx: ServerTestCtx, answers: Record<string, unknown>): Session {
	return new Session({ctx, answers, role: 'server', ephemeral: true});
}

describe('the probe command per platform', () => {
	it('macOS: Docker Desktop host-gateway alias; Linux: --network=host against 127.0.0.1 (there is no dockerhost there)', () => {
		expect(dockerProbeArgv('darwin')).toEqual(MAC_PROBE);
		expect(dockerProbeArgv('linux')).toEqual(LINUX_PROBE);
	});
});

describe('--docker-probe without a terminal', () => {
	it('macOS, --docker-probe yes: runs the probe, records "reachable" in the answers, and asks nothing more (Ollama stays on loopback)', async () => {
		const ctx = mac();
		ctx.runner.expect(...macLoopback, {argv: MAC_PROBE, stdout: '{"version":"0.17.2"}'});
		const s = session(ctx, {connector: 'docker-here', runDockerProbe: true});
		await interviewRemoteAccess(s, nonInteractiveAsker());
		ctx.runner.assertDone();
		expect(s.answers.dockerProbe).toBe('reachable');
		expect(s.answers.bind).toBeUndefined();
	});

	it('macOS, default (no --docker-probe): no container is started, the answers record "not-run", then exit 2 names --method', async () => {
		const ctx = mac();
		ctx.runner.expect(...macLoopback);
		const s = session(ctx, {connector: 'docker-here'});
		await expect(interviewRemoteAccess(s, nonInteractiveAsker())).rejects.toMatchObject({exitCode: 2, hint: expect.stringContaining('--method')});
		expect(ctx.runner.calls.some((c) => c.argv[0] === 'docker')).toBe(false);
		expect(s.answers.dockerProbe).toBe('not-run');
	});

	it('--docker-probe no: never run, even with a terminal (no question)', async () => {
		const ctx = mac();
		ctx.runner.expect(...macLoopback, {argv: ['ifconfig'], stdout: IFCONFIG});
		const asked: string[] = [];
		const asker = {
			interactive: true,
			text: async () => 'x',
			select: async <T extends string>(q: {flag: string; default?: T}) => (asked.push(q.flag), (q.flag === '--method' ? 'launchagent' : '0.0.0.0:11434') as T),
			confirm: async (q: {flag: string}) => (asked.push(q.flag), true),
			note: async () => undefined,
		};
		const s = session(ctx, {connector: 'docker-here', runDockerProbe: false});
		await interviewRemoteAccess(s, asker);
		expect(ctx.runner.calls.some((c) => c.argv[0] === 'docker')).toBe(false);
		expect(asked).not.toContain('--docker-probe');
		expect(s.answers.dockerProbe).toBe('not-run');
	});

	it('Linux with the Resource on 127.0.0.1: the probe uses --network=host against 127.0.0.1', async () => {
		const ctx = linux();
		ctx.runner.expect(...linuxLoopback, {argv: LINUX_PROBE, stdout: '{"version":"0.17.2"}'});
		const s = session(ctx, {connector: 'docker-here', resourceAddress: '127.0.0.1', runDockerProbe: true});
		await interviewRemoteAccess(s, nonInteractiveAsker());
		ctx.runner.assertDone();
		expect(s.answers.dockerProbe).toBe('reachable');
	});

	it('Linux with the Resource on the LAN IP (the default): no probe — a loopback-only Ollama never answers there — and the plan says why', async () => {
		const ctx = linux();
		ctx.runner.expect(...linuxLoopback, {argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR, repeat: true});
		const out = await runThrough(ollamaRemoteAccess, ctx, {connector: 'docker-here', method: 'systemd', runDockerProbe: true}, 'dry-run');
		expect(ctx.runner.calls.some((c) => c.argv[0] === 'docker')).toBe(false);
		const notes = out.plan?.notes?.join('\n') ?? '';
		expect(notes).toContain('--network=host');
		expect(notes).toContain('the LAN IP');
		expect(notes).not.toContain('dockerhost');
		expect(notes).not.toMatch(/\bMac\b/);
	});
});

describe('the plan says why Ollama leaves loopback', () => {
	it('probe not run (default): "because the Docker probe was not run", with the flag to run it', async () => {
		const ctx = mac();
		ctx.runner.expect(...macLoopback);
		const out = await runThrough(ollamaRemoteAccess, ctx, {connector: 'docker-here', method: 'setenv'}, 'dry-run');
		const notes = out.plan?.notes?.join('\n') ?? '';
		expect(notes).toContain('because the Docker probe was not run');
		expect(notes).toContain('--docker-probe yes');
	});

	it('probe failed: the plan says the Connector could not reach loopback', async () => {
		const ctx = mac();
		ctx.runner.expect(...macLoopback);
		const out = await runThrough(ollamaRemoteAccess, ctx, {connector: 'docker-here', method: 'setenv', dockerProbe: 'unreachable'}, 'dry-run');
		expect(out.plan?.notes?.join('\n')).toContain('the Docker probe could not reach Ollama on loopback');
	});
});

describe('the journal keeps the probe result', () => {
	it('setup --yes --connector docker-here --docker-probe yes: step 2 is ok on loopback and its journal answers hold dockerProbe', async () => {
		const ctx = mac();
		ctx.runner.expect(...macLoopback, {argv: MAC_PROBE, stdout: '{"version":"0.17.2"}'});
		const s = new Session({ctx, answers: {connector: 'docker-here', runDockerProbe: true}, role: 'server', steps: [ollamaRemoteAccess]});
		await s.open();
		const result = await flowSetup(s, nonInteractiveAsker(), {yes: true});
		ctx.runner.assertDone();
		expect(result.exitCode).toBe(0);
		const journal = JSON.parse(readFileSync(wizardPaths(ctx.env).journal, 'utf8')) as {steps: Record<string, {status: string; answers: Record<string, unknown>}>};
		expect(journal.steps['ollama-remote-access']?.status).toBe('ok');
		expect(journal.steps['ollama-remote-access']?.answers).toMatchObject({dockerProbe: 'reachable', connector: 'docker-here'});
	});

});
