/**
 * The questions of steps 1–3 through a scripted Asker: topology first, tokens masked and registered as
 * secrets, method choices with their reasons, the security warning before the bind, the alias rules,
 * and exit 2 naming the flag when there is no terminal.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {nonInteractiveAsker, type Asker, type ConfirmQuestion, type SelectQuestion, type TextQuestion} from '../../source/app/asker.js';
import {interviewClientAddress, interviewRemoteAccess, interviewTwingateNetwork} from '../../source/app/server-interviews.js';
import {Session} from '../../source/app/session.js';
import {publicAnswers} from '../../source/core/journal.js';
import {SECURITY_WARNING} from '../../source/server/answers.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {IFCONFIG, LSOF_F1, MAC_LAN} from './fixtures.js';
import {serverCtx, type ServerTestCtx} from './support.js';

type Asked = {kind: 'text'; q: TextQuestion} | {kind: 'select'; q: SelectQuestion<string>} | {kind: 'confirm'; q: ConfirmQuestion} | {kind: 'note'; title: string; body: string};

/** Answers by flag (text/select) or message fragment (confirm); records every question in order. */
function scripted(answers: Record<string, string | boolean>): Asker & {asked: Asked[]} {
	const asked: Asked[] = [];
	const pick = (key: string) => {
		const v = answers[key];
		if (v === undefined) throw new Error(`no scripted answer for ${key}`);
		return v;
	};
	return {
		asked,
		interactive: true,
		async text(q) {
			asked.push({kind: 'text', q});
			const v = String(pick(q.message.includes('refresh') ? 'refresh' : q.message.includes('access token') ? 'access' : q.flag));
			expect(q.validate?.(v) ?? null).toBeNull();
			return v;
		},
		async select<T extends string>(q: SelectQuestion<T>) {
			asked.push({kind: 'select', q: q as SelectQuestion<string>});
			return pick(q.flag) as T;
		},
		async confirm(q) {
			asked.push({kind: 'confirm', q});
			return Boolean(pick(q.message.split(' ')[0] ?? ''));
		},
		async note(title, body) {
			asked.push({kind: 'note', title, body});
		},
	};
}

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

function session(ctx: ServerTestCtx, answers: Record<string, unknown> = {}): Session {
	return new Session({ctx, answers, role: 'server', ephemeral: true});
}

const PS = ['docker', 'ps', '-a', '--format', '{{json .}}'];

describe('step 1 interview', () => {
	it('asks the topology first, then the network and the two tokens masked (registered as secrets), the alias, the Resource checklist', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		ctx.runner.expect({argv: PS, stdout: ''}, {argv: PS, stdout: ''});
		const s = session(ctx);
		const asker = scripted({'--connector': 'docker-here', '--twingate-network': 'acme', access: 'at-0123456789abcdef', refresh: 'rt-0123456789abcdef', '--alias': 'Ollama.Home.Internal', Is: true, '--twingate-client': 'skip'});
		await interviewTwingateNetwork(s, asker);
		ctx.runner.assertDone();
		const questions = asker.asked.filter((a) => a.kind !== 'note');
		expect(questions[0]).toMatchObject({kind: 'select', q: {flag: '--connector'}});
		const tokens = questions.filter((a) => a.kind === 'text' && /token/.test(a.q.message));
		expect(tokens).toHaveLength(2);
		expect(tokens.every((t) => t.kind === 'text' && t.q.secret === true)).toBe(true);
		expect(ctx.secrets.redact('at-0123456789abcdef rt-0123456789abcdef')).toBe('*** ***');
		expect(s.answers).toMatchObject({connector: 'docker-here', twingateNetwork: 'acme', alias: 'ollama.home.internal', resourceConfirmed: true, twingateClient: 'skip'});
		expect(JSON.stringify(publicAnswers(s.answers, ctx.secrets))).not.toContain('0123456789abcdef');
		const checklist = asker.asked.find((a) => a.kind === 'note' && a.title.startsWith('The Twingate Resource'));
		expect(checklist && checklist.kind === 'note' && checklist.body).toContain('Address: dockerhost');
	});

	it('tokens come from TWINGATE_ACCESS_TOKEN / TWINGATE_REFRESH_TOKEN when set; without a terminal a missing one is exit 2 naming them', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		ctx.runner.expect({argv: PS, stdout: ''});
		const s = session(ctx, {connector: 'docker-here', twingateNetwork: 'acme'});
		await expect(interviewTwingateNetwork(s, nonInteractiveAsker())).rejects.toMatchObject({exitCode: 2, hint: expect.stringContaining('TWINGATE_ACCESS_TOKEN in the environment')});

		const withEnv = serverCtx({platform: 'darwin'});
		withEnv.env = {...withEnv.env, TWINGATE_ACCESS_TOKEN: 'at-env-0123456789', TWINGATE_REFRESH_TOKEN: 'rt-env-0123456789'};
		withEnv.runner.expect({argv: PS, stdout: ''});
		const s2 = session(withEnv, {connector: 'docker-here', twingateNetwork: 'acme'});
		await interviewTwingateNetwork(s2, nonInteractiveAsker());
		expect(s2.answers.connectorAccessToken).toBe('at-env-0123456789');
		expect(withEnv.secrets.redact('at-env-0123456789')).toBe('***');
	});
});

describe('step 1 interview: the optional Twingate client', () => {
	it('macOS: choosing the app asks whether to wait for its login (a way to skip the 90 s wait), answered by --twingate-client-wait', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		const s = session(ctx, {connector: 'existing', connectorConfirmed: true, alias: 'ollama.internal', resourceConfirmed: true});
		const asker = scripted({'--twingate-client': 'use', Wait: false});
		await interviewTwingateNetwork(s, asker);
		const wait = asker.asked.find((a) => a.kind === 'confirm');
		expect(wait).toMatchObject({kind: 'confirm', q: {flag: '--twingate-client-wait', default: true}});
		expect(wait?.kind === 'confirm' && wait.q.message).toContain('Twingate app');
		expect(s.answers).toMatchObject({twingateClient: 'use', twingateClientWait: false});
	});

	it('Linux: the question names twingate status, never a Mac', async () => {
		const ctx = serverCtx({platform: 'linux'});
		const s = session(ctx, {connector: 'existing', connectorConfirmed: true, alias: 'ollama.internal', resourceConfirmed: true});
		const asker = scripted({'--twingate-client': 'use', Wait: true});
		await interviewTwingateNetwork(s, asker);
		const texts = asker.asked.map((a) => (a.kind === 'note' ? `${a.title} ${a.body}` : `${a.q.message} ${'choices' in a.q ? JSON.stringify(a.q.choices) : ''}`)).join('\n');
		expect(texts).toContain('twingate status');
		expect(texts).not.toMatch(/\bMac\b/);
		expect(s.answers.twingateClientWait).toBe(true);
	});

	it('Linux: the topology question never says Mac or dockerhost', async () => {
		const ctx = serverCtx({platform: 'linux'});
		ctx.runner.expect({argv: PS, stdout: ''}, {argv: ['systemctl', 'is-active', 'twingate-connector'], stdout: 'inactive\n'});
		const s = session(ctx, {alias: 'ollama.internal', resourceConfirmed: true, twingateClient: 'skip'});
		const asker = scripted({'--connector': 'skip'});
		await interviewTwingateNetwork(s, asker);
		ctx.runner.assertDone();
		const texts = asker.asked.map((a) => (a.kind === 'note' ? `${a.title} ${a.body}` : `${a.q.message} ${'choices' in a.q ? JSON.stringify(a.q.choices) : ''}`)).join('\n');
		expect(texts).toContain('--network=host');
		expect(texts).not.toMatch(/\bMac\b|dockerhost/);
	});
});

describe('step 2 interview', () => {
	it('offers the methods that fit (with reasons, recommended first), shows the security warning, then the bind with the LAN address', async () => {
		const ctx = serverCtx({platform: 'darwin', files: {'/Applications/Ollama.app': {dir: true}}, routes: {'127.0.0.1': server.url}});
		ctx.runner.expect(
			{argv: ['id', '-u'], stdout: '501\n'},
			{argv: ['lsof', '-nP', '-iTCP:11434', '-sTCP:LISTEN'], stdout: LSOF_F1},
			{argv: ['pgrep', '-x', 'Ollama'], stdout: '853\n'},
			{argv: ['launchctl', 'getenv', 'OLLAMA_HOST']},
			{argv: ['ifconfig'], stdout: IFCONFIG},
		);
		const s = session(ctx);
		const asker = scripted({'--method': 'launchagent', '--bind': `${MAC_LAN}:11434`, 'Ollama.app': true});
		await interviewRemoteAccess(s, asker);
		ctx.runner.assertDone();
		const method = asker.asked.find((a) => a.kind === 'select' && a.q.flag === '--method');
		if (method?.kind !== 'select') throw new Error('no method question');
		expect(method.q.choices.map((c) => c.value)).toEqual(['app-setting', 'setenv', 'launchagent']);
		expect(method.q.choices[0]?.name).toMatch(/\(recommended\)$/);
		expect(method.q.choices.find((c) => c.value === 'setenv')?.description).toMatch(/lost on reboot/);
		const order = asker.asked.map((a) => (a.kind === 'note' ? `note:${a.title}` : `${a.kind}:${'flag' in a.q ? a.q.flag : ''}`));
		expect(order.indexOf('note:Before you choose: security')).toBeLessThan(order.indexOf('select:--bind'));
		const warning = asker.asked.find((a) => a.kind === 'note' && a.title.includes('security'));
		expect(warning && warning.kind === 'note' && warning.body).toBe(SECURITY_WARNING);
		const bind = asker.asked.find((a) => a.kind === 'select' && a.q.flag === '--bind');
		expect(bind?.kind === 'select' && bind.q.choices.map((c) => c.value)).toEqual(['0.0.0.0:11434', `${MAC_LAN}:11434`, 'other']);
		expect(s.answers).toMatchObject({method: 'launchagent', bind: `${MAC_LAN}:11434`, quitApp: true});
	});

	it('without a terminal and without --method: exit 2 naming --method', async () => {
		const ctx = serverCtx({platform: 'darwin', files: {'/Applications/Ollama.app': {dir: true}}, routes: {'127.0.0.1': server.url}});
		ctx.runner.expect({argv: ['id', '-u'], stdout: '501\n'}, {argv: ['lsof', '-nP', '-iTCP:11434', '-sTCP:LISTEN'], stdout: LSOF_F1}, {argv: ['pgrep', '-x', 'Ollama'], stdout: '853\n'}, {argv: ['launchctl', 'getenv', 'OLLAMA_HOST']});
		await expect(interviewRemoteAccess(session(ctx), nonInteractiveAsker())).rejects.toMatchObject({exitCode: 2, hint: expect.stringContaining('--method')});
	});
});

describe('step 3 interview', () => {
	it('the alias is validated with isValidAlias (a dot, not .local) and stored lower-case', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		const s = session(ctx);
		const asker = scripted({'--alias': 'Ollama.Internal'});
		await interviewClientAddress(s, asker);
		const q = asker.asked[0];
		if (q?.kind !== 'text') throw new Error('no alias question');
		expect(q.q.validate?.('mac.local')).toContain('.local');
		expect(q.q.validate?.('ollama')).toContain('at least one dot');
		expect(s.answers.alias).toBe('ollama.internal');
	});
});
