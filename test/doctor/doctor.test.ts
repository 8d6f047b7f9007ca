/**
 * Doctor scenarios through the fake command runner (real recorded outputs) and the real fake-Ollama HTTP server; each asserts the diagnosis cause and fix.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {EventBus} from '../../source/core/events.js';
import {parseOllamaUrl, type OllamaUrl} from '../../source/core/url.js';
import {DOCTOR_CHECKS} from '../../source/doctor/checks.js';
import {diagnose} from '../../source/doctor/diagnose.js';
import {CHECK_ALLOWANCE_MS, runChecks} from '../../source/doctor/run.js';
import type {DoctorCheck, DoctorInput} from '../../source/doctor/types.js';
import {closedPort, startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {makeCtx, type TestCtx} from '../support/fake-ctx.js';

const ALIAS = 'ollama.home.internal';
// `twingate resources`, newer client with a group heading [constructed in the same format].
const RESOURCES = `MAIN RESOURCES\nRESOURCE NAME\tADDRESS\tALIAS\tAUTH STATUS\nOllama Mac\t192.168.1.20\t${ALIAS}\t\n`;

function url(u: string): OllamaUrl {
	const r = parseOllamaUrl(u);
	if (!r.ok) throw new Error(r.problem);
	return r.url;
}

function input(role: 'server' | 'client', extra: Partial<DoctorInput> = {}): DoctorInput {
	return {role, timeoutMs: 400, samples: 2, perf: false, alias: ALIAS, ...extra};
}

async function doctor(ctx: TestCtx, inp: DoctorInput) {
	const bus = new EventBus();
	const records = await runChecks(DOCTOR_CHECKS, ctx, inp, bus);
	ctx.runner.assertDone();
	return {records, diagnosis: diagnose(records, inp.role), bus};
}

describe('doctor on the AIlice side (Linux client)', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	beforeEach(() => server.setFault('none'));
	afterAll(async () => {
		await server.close();
	});

	function clientCtx(status = 'online\n'): TestCtx {
		const ctx = makeCtx({platform: 'linux'});
		ctx.runner.expect({argv: ['twingate', 'status'], stdout: status}, {argv: ['twingate', 'resources'], stdout: RESOURCES});
		return ctx;
	}

	it('healthy: every required check passes and the diagnosis says so', async () => {
		const ctx = clientCtx();
		// AIlice's config where AIlice reads it on Linux (~/.config/ailice/config.json), pointing at the server.
		const file = path.join(ctx.home, '.config', 'ailice', 'config.json');
		mkdirSync(path.dirname(file), {recursive: true});
		const entry = {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}};
		writeFileSync(file, JSON.stringify({models: {ollama: {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: `${server.url}/v1`, modelList: {'llama3.2:latest': entry}}}}));
		const {records, diagnosis} = await doctor(ctx, input('client', {url: url(server.url)}));
		expect(records.find((r) => r.id === 'ailice.base-url')?.status).toBe('ok');
		expect(records.find((r) => r.id === 'ailice.model')?.status).toBe('ok');
		expect(records.find((r) => r.id === 'network.test')?.status).toBe('ok');
		expect(records.find((r) => r.id === 'twingate.client')?.status).toBe('ok');
		expect(diagnosis.cause).toBeNull();
	});

	it('tunnel down: twingate status offline → tunnel-down, fix says start the client', async () => {
		const ctx = makeCtx({platform: 'linux'});
		ctx.runner.expect({argv: ['twingate', 'status'], stdout: 'offline\n'}, {argv: ['twingate', 'resources'], stdout: ''});
		const port = await closedPort();
		const {diagnosis} = await doctor(ctx, input('client', {url: url(`http://127.0.0.1:${port}`)}));
		expect(diagnosis.cause).toBe('tunnel-down');
		expect(diagnosis.fix).toMatch(/twingate start/);
		expect(diagnosis.evidence.map((e) => e.check)).toContain('twingate.client');
	});

	it('firewall dropping: tunnel up but the host never answers (timeout) → firewall', async () => {
		server.setFault('hang');
		const {diagnosis} = await doctor(clientCtx(), input('client', {url: url(server.url)}));
		expect(diagnosis.cause).toBe('firewall');
		expect(diagnosis.fix).toMatch(/socketfilterfw|ufw/);
	});

	it('Host-header 403 → host-header, fix names the bind or the Host rewrite', async () => {
		server.setFault('forbidden');
		const {diagnosis} = await doctor(clientCtx(), input('client', {url: url(server.url)}));
		expect(diagnosis.cause).toBe('host-header');
		expect(diagnosis.fix).toMatch(/localhost:11434|LAN address/);
		expect(diagnosis.fixStep).toBe('ollama-remote-access');
	});

	it('model missing → model-missing, fix offered by step 4', async () => {
		const {diagnosis} = await doctor(clientCtx(), input('client', {url: url(server.url), model: 'llama3:2'}));
		expect(diagnosis.cause).toBe('model-missing');
		expect(diagnosis.fixStep).toBe('ailice-config');
		expect(diagnosis.evidence[0]?.saw).toContain('llama3.2:latest');
	});

	it('not Ollama (an nginx page) → not-ollama', async () => {
		server.setFault('html');
		const {diagnosis} = await doctor(clientCtx(), input('client', {url: url(server.url)}));
		expect(diagnosis.cause).toBe('not-ollama');
	});

	it('Resource missing from `twingate resources` → resource-missing', async () => {
		const ctx = makeCtx({platform: 'linux'});
		ctx.runner.expect({argv: ['twingate', 'status'], stdout: 'online\n'}, {argv: ['twingate', 'resources'], stdout: 'RESOURCE NAME\tADDRESS\tALIAS\tAUTH STATUS\nHome\t192.168.2.0/24\t-\t\n'});
		const {diagnosis} = await doctor(ctx, input('client', {url: url(server.url)}));
		expect(diagnosis.cause).toBe('resource-missing');
	});
});

describe('doctor on the Ollama host (Linux server)', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterAll(async () => {
		await server.close();
	});

	function serverCtx(ss: string, ollamaHost: string): TestCtx {
		const ctx = makeCtx({platform: 'linux'});
		ctx.env = {...ctx.env, OLLAMA_HOST: ollamaHost};
		ctx.runner.expect(
			{argv: ['ss', '-ltnp', 'sport = :11434'], stdout: ss},
			{argv: ['ufw', 'status'], notFound: true},
			{argv: ['firewall-cmd', '--state'], notFound: true},
			{argv: ['nft', 'list', 'ruleset'], notFound: true},
			{argv: ['systemctl', 'show', 'ollama', '--property=Environment'], stdout: 'Environment=OLLAMA_HOST=0.0.0.0:11434\n'},
			{argv: ['docker', 'ps', '--format', '{{json .}}'], notFound: true},
			{argv: ['systemctl', 'is-active', 'twingate-connector'], stdout: 'inactive\n', exitCode: 3},
		);
		return ctx;
	}

	it('Ollama down: nothing listens and nothing answers → ollama-not-running', async () => {
		const port = await closedPort();
		const {diagnosis} = await doctor(serverCtx('', `127.0.0.1:${port}`), input('server'));
		expect(diagnosis.cause).toBe('ollama-not-running');
		expect(diagnosis.fix).toMatch(/systemctl start ollama|open -a Ollama/);
	});

	it('bound to loopback (ss shows 127.0.0.1:11434) → loopback-bind, fix by step 2', async () => {
		const ss = 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      4096   127.0.0.1:11434   0.0.0.0:*    users:(("ollama",pid=8484,fd=3))\n';
		const {records, diagnosis} = await doctor(serverCtx(ss, `127.0.0.1:${server.port}`), input('server'));
		expect(records.find((r) => r.id === 'ollama.local')?.status).toBe('ok');
		expect(diagnosis.cause).toBe('loopback-bind');
		expect(diagnosis.fixStep).toBe('ollama-remote-access');
	});

	it('loopback is fine when step 2 recorded that the Docker Connector on this machine reaches Ollama', async () => {
		const ss = 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      4096   127.0.0.1:11434   0.0.0.0:*    users:(("ollama",pid=8484,fd=3))\n';
		const {records, diagnosis} = await doctor(serverCtx(ss, `127.0.0.1:${server.port}`), input('server', {dockerProbe: 'reachable'}));
		expect(records.find((r) => r.id === 'ollama.listen')?.status).toBe('ok');
		expect(diagnosis.cause).toBeNull();
	});

	it('healthy and exposed on all interfaces (F4): ok, with a security finding about 0.0.0.0', async () => {
		const ss = 'tcp   LISTEN 0      4096   *:11434   *:*    users:(("ollama",pid=8484,fd=3))\n';
		const {records, diagnosis} = await doctor(serverCtx(ss, `127.0.0.1:${server.port}`), input('server'));
		expect(diagnosis.cause).toBeNull();
		const bind = records.find((r) => r.id === 'security.bind');
		expect(bind?.status).toBe('warn');
		expect(bind?.finding?.severity).toBe('medium');
	});
});

describe('doctor run time', () => {
	it('three hanging remote checks end within one timeout plus the allowance, not three', async () => {
		const hang = (id: string): DoctorCheck => ({id, layer: 'network', title: id, roles: ['client'], required: true, run: () => new Promise(() => undefined)});
		const ctx = makeCtx();
		const inp = input('client', {timeoutMs: 300});
		const started = performance.now();
		const records = await runChecks([hang('a'), hang('b'), hang('c')], ctx, inp, new EventBus());
		const elapsed = performance.now() - started;
		const limit = inp.timeoutMs + CHECK_ALLOWANCE_MS;
		expect(records.map((r) => r.status)).toEqual(['fail', 'fail', 'fail']);
		expect(records.every((r) => r.cause === 'timeout')).toBe(true);
		expect(elapsed).toBeGreaterThanOrEqual(limit - 5);
		expect(elapsed).toBeLessThan(limit * 2); // the sum would be 3 × limit
	});

	it('a check that throws shows as crashed and the others go on', async () => {
		const boom: DoctorCheck = {id: 'boom', layer: 'ollama', title: 'boom', roles: ['client'], required: true, run: async () => { throw new Error('kaput'); }};
		const fine: DoctorCheck = {id: 'fine', layer: 'ollama', title: 'fine', roles: ['client'], required: true, run: async () => ({status: 'ok', detail: 'fine'})};
		const bus = new EventBus();
		const records = await runChecks([boom, fine], makeCtx(), input('client'), bus);
		expect(records.map((r) => [r.id, r.status])).toEqual([['boom', 'crash'], ['fine', 'ok']]);
		expect(records[0]?.detail).toContain('kaput');
		expect(bus.history.filter((e) => e.type === 'check:result')).toHaveLength(2);
	});
});
