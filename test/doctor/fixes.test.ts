/** Doctor behaviour a user relies on: fixes run on the right machine with the answers given before,
 * a slow model load is not called a firewall, and AIlice's own config is checked. */
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import {applyDoctorFix, flowDoctorFull, type DoctorReport} from '../../source/app/doctor-flow.js';
import {Session} from '../../source/app/session.js';
import {emptyJournal, recordStep, saveJournal} from '../../source/core/journal.js';
import {wizardPaths} from '../../source/core/paths.js';
import type {Step} from '../../source/core/types.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {makeCtx, type TestCtx} from '../support/fake-ctx.js';

const RESOURCES = 'RESOURCE NAME\tADDRESS\tALIAS\tAUTH STATUS\nOllama\t127.0.0.1\tollama.home.internal\t\n';

function clientCtx(): TestCtx {
	const ctx = makeCtx({platform: 'linux'});
	ctx.runner.expect({argv: ['twingate', 'status'], stdout: 'online\n', repeat: true}, {argv: ['twingate', 'resources'], stdout: RESOURCES, repeat: true});
	return ctx;
}

function writeAilice(ctx: TestCtx, baseURL: string, model: string): string {
	const file = path.join(ctx.dir, 'ailice', 'config.json');
	mkdirSync(path.dirname(file), {recursive: true});
	writeFileSync(
		file,
		JSON.stringify({modelID: `ollama:${model}`, models: {ollama: {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL, modelList: {[model]: {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}}}}}}),
	);
	return file;
}

describe('doctor fixes and AIlice checks', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	beforeEach(() => {
		server.setFault('none');
		server.set({firstTokenDelayMs: 0, loaded: []});
	});
	afterAll(async () => {
		await server.close();
	});

	it('--fix seen from the AIlice side never runs a step of the Ollama host; it says where to run it', async () => {
		server.setFault('forbidden');
		const ctx = clientCtx();
		const session = new Session({ctx, answers: {url: server.url}, role: 'client'});
		await session.open();
		const result = await flowDoctorFull(session, nonInteractiveAsker(), {fix: true, yes: true, 'timeout-ms': 1000});
		expect(result.summary).toMatchObject({cause: 'host-header', fix: {step: 'ollama-remote-access', applied: false}});
		expect(session.bus.history.some((e) => e.type === 'warning' && /doctor --role server --fix/.test(e.message))).toBe(true);
		expect(session.bus.history.some((e) => e.type === 'step:start')).toBe(false);
	});

	it('an Ollama server older than 0.17.1 is a high security finding seen from the AIlice side too', async () => {
		server.set({version: '0.16.3'});
		try {
			const ctx = clientCtx();
			const session = new Session({ctx, answers: {url: server.url}, role: 'client'});
			await session.open();
			const result = await flowDoctorFull(session, nonInteractiveAsker(), {'timeout-ms': 2000});
			const findings = result.summary.findings as {check: string; severity: string; detail: string}[];
			expect(findings.find((f) => f.check === 'security.version')).toMatchObject({severity: 'high'});
			expect(findings.find((f) => f.check === 'security.version')?.detail).toMatch(/0\.16\.3.*CVE-2026-7482/);
		} finally {
			server.set({version: '0.17.2'});
		}
	});

	it('a model still loading is cold-load with the keep-alive fix, not a firewall', async () => {
		server.set({firstTokenDelayMs: 1500});
		const ctx = clientCtx();
		const session = new Session({ctx, answers: {url: server.url}, role: 'client'});
		await session.open();
		const result = await flowDoctorFull(session, nonInteractiveAsker(), {'timeout-ms': 1000});
		expect(result.summary.cause).toBe('cold-load');
		expect(String((result.summary.diagnosis as {fix: string}).fix)).toMatch(/OLLAMA_KEEP_ALIVE/);
	});

	it('without --url it tests what AIlice uses: the baseURL and model from its config.json', async () => {
		const ctx = clientCtx();
		const file = writeAilice(ctx, `${server.url}/v1`, 'llama3.2');
		const session = new Session({ctx, answers: {ailiceConfig: file}, role: 'client'});
		await session.open();
		const result = await flowDoctorFull(session, nonInteractiveAsker(), {'timeout-ms': 2000});
		const checks = result.summary.checks as {id: string; status: string; detail: string}[];
		expect(checks.find((c) => c.id === 'network.test')?.status).toBe('ok');
		expect(checks.find((c) => c.id === 'ailice.base-url')?.status).toBe('ok');
		expect(checks.find((c) => c.id === 'ailice.model')?.status).toBe('ok');
	});

	it('a baseURL without /v1 is wrong-address, fixed by step 4', async () => {
		const ctx = clientCtx();
		const file = writeAilice(ctx, server.url, 'llama3.2');
		const session = new Session({ctx, answers: {ailiceConfig: file, url: server.url}, role: 'client'});
		await session.open();
		const result = await flowDoctorFull(session, nonInteractiveAsker(), {'timeout-ms': 2000});
		expect(result.summary.cause).toBe('wrong-address');
		expect((result.summary.diagnosis as {fixStep: string}).fixStep).toBe('ailice-config');
	});

	it("AIlice's model missing on the server is model-missing", async () => {
		const ctx = clientCtx();
		const file = writeAilice(ctx, `${server.url}/v1`, 'llama3:2');
		const session = new Session({ctx, answers: {ailiceConfig: file, url: server.url}, role: 'client'});
		await session.open();
		const result = await flowDoctorFull(session, nonInteractiveAsker(), {'timeout-ms': 2000});
		expect(result.summary.cause).toBe('model-missing');
		const checks = result.summary.checks as {id: string; detail: string}[];
		expect(checks.find((c) => c.id === 'ailice.model')?.detail).toMatch(/llama3:2 not on the server/);
	});

	it('--fix reapplies the step with the answers recorded in the journal (a LAN bind stays a LAN bind)', async () => {
		const ctx = makeCtx();
		const seen: Record<string, unknown>[] = [];
		const step: Step = {
			id: 'ollama-remote-access',
			number: 2,
			title: 'fake step 2',
			roles: ['server'],
			dependsOn: [],
			available: true,
			check: async () => ({status: 'fail', summary: 'loopback', details: []}),
			plan: async (_c, answers) => {
				seen.push({...answers});
				return {actions: [{kind: 'command', argv: ['true'], why: 'x'}], inputs: {}};
			},
			apply: async () => undefined,
		};
		const j = emptyJournal(Date.now());
		recordStep(j, 'ollama-remote-access', {status: 'fail', inputsHash: 'h', at: Date.now(), summary: 'x', answers: {bind: '192.168.1.20:11434', method: 'systemd'}});
		await saveJournal(ctx.fs, wizardPaths(ctx.env).journal, j, ctx.secrets);
		const session = new Session({ctx, answers: {}, role: 'server', steps: [step]});
		await session.open();
		const before = {
			input: {role: 'server', timeoutMs: 500, samples: 1, perf: false},
			records: [],
			diagnosis: {cause: 'loopback-bind', layer: 'ollama', message: 'm', fix: 'f', fixStep: 'ollama-remote-access', evidence: []},
			perf: null,
			summary: {},
			exitCode: 1,
		} as DoctorReport;
		await applyDoctorFix(session, nonInteractiveAsker(), {yes: true, 'dry-run': true}, before, []);
		expect(seen[0]).toMatchObject({bind: '192.168.1.20:11434', method: 'systemd'});
	});
});

describe('doctor when Ollama runs on the AIlice machine', () => {
	it('after a setup with --ollama-here, the Twingate checks are skipped and a healthy run exits 0', async () => {
		const server = await startFakeOllama();
		try {
			// No twingate commands are expected: the fake runner fails the test if one runs.
			const ctx = makeCtx({platform: 'linux'});
			const file = path.join(ctx.dir, 'ailice', 'config.json');
			mkdirSync(path.dirname(file), {recursive: true});
			const entry = {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}};
			writeFileSync(file, JSON.stringify({models: {ollama: {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: `${server.url}/v1`, modelList: {'llama3.2:latest': entry}}}}));
			const j = emptyJournal(Date.now());
			recordStep(j, 'ailice-config', {status: 'ok', inputsHash: 'h', at: Date.now(), summary: 'ok', answers: {ollamaOnThisMachine: true, url: server.url}});
			await saveJournal(ctx.fs, wizardPaths(ctx.env).journal, j, ctx.secrets);
			const session = new Session({ctx, answers: {url: server.url, ailiceConfig: file}, role: 'client'});
			await session.open();
			const result = await flowDoctorFull(session, nonInteractiveAsker(), {'timeout-ms': 2000});
			ctx.runner.assertDone();
			expect(result.exitCode).toBe(0);
			const checks = result.summary.checks as {id: string; status: string}[];
			expect(checks.find((c) => c.id === 'twingate.client')?.status).toBe('skipped');
			expect(result.summary.cause).toBeNull();
		} finally {
			await server.close();
		}
	});
});
