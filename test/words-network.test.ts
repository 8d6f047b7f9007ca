/**
 * Interviews that call the network show what they are doing at once (a step:progress line on the
 * session's bus, which every view renders), and the HTTP library's own error text ("fetch failed",
 * "other side closed", "UND_ERR_…") never reaches a sentence. Against fake Ollama servers that reset
 * the connection and that hang.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Asker} from '../source/app/asker.js';
import {INTERVIEWS} from '../source/app/interviews.js';
import {interviewRemoteAccess} from '../source/app/server-interviews.js';
import {Session} from '../source/app/session.js';
import {CAUSES, explain, plainNetText} from '../source/core/causes.js';
import type {WizardEvent} from '../source/core/events.js';
import {runCli} from './support/cli.js';
import {makeCtx} from './support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from './support/fake-ollama.js';
import {LSOF_F1} from './server/fixtures.js';
import {serverCtx} from './server/support.js';

/** What undici and Node say; none of it belongs in a sentence. */
const LIBRARY = /fetch failed|other side closed|socket hang up|UND_ERR|HPE_|ECONN\w+|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|getaddrinfo|SocketError|HTTP\/1\.1 protocol|Headers Timeout/;

const UNDICI_MESSAGES = [
	'fetch failed',
	'other side closed',
	'SocketError: other side closed',
	'UND_ERR_SOCKET',
	'UND_ERR_CLOSED',
	'socket hang up',
	'read ECONNRESET',
	'connect ECONNREFUSED 10.0.0.5:11434',
	'getaddrinfo ENOTFOUND ollama.home.internal',
	'connect EHOSTUNREACH 10.0.0.5:11434',
	'Response does not match the HTTP/1.1 protocol (Expected HTTP/)',
	'Headers Timeout Error',
	'UND_ERR_HEADERS_TIMEOUT',
	'terminated',
];

/** Takes the default of every question and the first choice; the tests here look at events. */
function defaultsAsker(): Asker {
	return {
		interactive: true,
		text: async (q) => q.default ?? 'x',
		select: async (q) => q.default ?? (q.choices[0]?.value as never),
		confirm: async (q) => q.default ?? true,
		note: async () => undefined,
	};
}

function record(session: Session): {event: WizardEvent; at: number}[] {
	const seen: {event: WizardEvent; at: number}[] = [];
	const start = Date.now();
	session.bus.on((event) => seen.push({event, at: Date.now() - start}));
	return seen;
}

describe('the HTTP library’s words never reach a sentence', () => {
	it.each(UNDICI_MESSAGES.map((m) => [m]))('%j is said in words', (message) => {
		expect(plainNetText(message)).not.toMatch(LIBRARY);
		for (const cause of CAUSES) {
			const d = explain(cause, {host: 'ollama.home.internal', port: 11434, detail: `GET /api/tags: ${message}`, path: '/api/tags'});
			expect(`${d.message} ${d.fix}`).not.toMatch(LIBRARY);
		}
	});

	it('the wizard’s own words are kept', () => {
		expect(plainNetText('no complete reply within 500 ms')).toBe('no complete reply within 500 ms');
		expect(explain('not-ollama', {host: 'h', port: 1, detail: 'an HTML page on /'}).message).toContain('(an HTML page on /)');
		expect(explain('server-error', {host: 'h', port: 1, detail: 'mid-stream error: llama runner process has terminated'}).message).toContain('llama runner process has terminated');
	});
});

describe.each(['reset', 'hang'] as const)('a server that %s', (fault) => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama({fault});
	});
	afterAll(async () => {
		await server.close();
	});

	it('configure-ailice and test, plain and --json: sentences in words, exit 1', async () => {
		for (const args of [
			['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--yes', '--timeout-ms', '800'],
			['test', '--url', server.url, '--timeout-ms', '800'],
		]) {
			for (const json of [false, true]) {
				const r = await runCli([...args, ...(json ? ['--json'] : [])]);
				expect(r.code).toBe(1);
				expect(r.stdout).not.toMatch(LIBRARY);
				expect(r.stderr).not.toMatch(LIBRARY);
				if (json) expect(JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({status: 'fail', cause: fault === 'reset' ? 'reset' : 'timeout'});
			}
		}
	});

	it('step 4’s questions: "Reading the model list" at once, then what went wrong, in words', async () => {
		const ctx = makeCtx();
		const session = new Session({ctx, answers: {url: server.url, ollamaOnThisMachine: true, timeoutMs: 1000}, role: 'client', ephemeral: true});
		const seen = record(session);
		await INTERVIEWS['ailice-config']?.(session, defaultsAsker());
		const progress = seen.filter((s) => s.event.type === 'step:progress');
		expect(progress[0]?.event).toMatchObject({step: 'ailice-config', status: 'running', message: `Reading the model list from ${server.url} …`});
		expect(progress[0]?.at).toBeLessThan(200);
		const end = progress.find((s) => s.event.type === 'step:progress' && s.event.status === 'fail');
		expect(end).toBeDefined();
		if (fault === 'hang') expect(end?.at).toBeGreaterThanOrEqual(900); // the whole timeout, with the line on screen
		const text = end?.event.type === 'step:progress' ? end.event.message : '';
		expect(text).toMatch(fault === 'reset' ? /closed without a reply/ : /did not answer in time/);
		expect(text).not.toMatch(LIBRARY);
	});
});

describe('step 2’s questions on the Ollama host', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama({fault: 'hang'});
	});
	afterAll(async () => {
		await server.close();
	});

	it('a local Ollama that hangs: each look at this machine is announced before it starts', async () => {
		const ctx = serverCtx({platform: 'darwin', files: {'/Applications/Ollama.app': {dir: true}}, routes: {'127.0.0.1': server.url}});
		ctx.runner.expect({argv: ['id', '-u'], stdout: '501\n'}, {argv: ['lsof', '-nP', '-iTCP:11434', '-sTCP:LISTEN'], stdout: LSOF_F1}, {argv: ['pgrep', '-x', 'Ollama'], stdout: '853\n'}, {argv: ['launchctl', 'getenv', 'OLLAMA_HOST']});
		const session = new Session({ctx, answers: {}, role: 'server', ephemeral: true});
		const seen = record(session);
		await interviewRemoteAccess(session, defaultsAsker());
		const progress = seen.flatMap((s) => (s.event.type === 'step:progress' ? [{...s.event, at: s.at}] : []));
		expect(progress[0]).toMatchObject({step: 'ollama-remote-access', status: 'running', message: 'Looking at how Ollama is installed and listens on this machine …'});
		expect(progress[0]?.at).toBeLessThan(200);
		const ask = progress.find((p) => p.check === 'ollama-version' && p.status === 'running');
		expect(ask?.message).toBe('Asking Ollama on this machine for its version (http://127.0.0.1:11434/api/version) …');
		const answer = progress.find((p) => p.check === 'ollama-version' && p.status === 'ok');
		// localVersion waits up to 3 s: the question line was there the whole time.
		expect((answer?.at ?? 0) - (ask?.at ?? 0)).toBeGreaterThanOrEqual(2500);
		expect(answer?.message).toBe('Ollama on this machine did not report its version.');
	});
});
