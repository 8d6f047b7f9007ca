/** `doctor` through the built binary: NDJSON contract, exit codes, the perf report, the log file. */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';

function lines(stdout: string): Record<string, unknown>[] {
	return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('doctor CLI', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama();
	});
	afterAll(async () => {
		await server.close();
	});

	it('--json on the Ollama host with --perf: live check events, a diagnosis, and measured tunnel vs local latency', async () => {
		const r = await runCli(['doctor', '--role', 'server', '--url', server.url, '--perf', '--samples', '3', '--json', '--timeout-ms', '1500'], {
			env: {OLLAMA_HOST: `127.0.0.1:${server.port}`},
		});
		const out = lines(r.stdout);
		for (const l of out) expect(l.schemaVersion).toBe(1);
		expect(out.some((l) => l.type === 'check:start')).toBe(true);
		expect(out.some((l) => l.type === 'check:result' && l.check === 'ollama.local' && l.status === 'ok')).toBe(true);
		expect(out.some((l) => l.type === 'diagnosis')).toBe(true);
		const summary = out.at(-1) as {type: string; command: string; checks: unknown[]; perf: {tunnelLatencyMs: {p50: number}; localLatencyMs: {p50: number}; addedLatencyMs: number}; diagnosis: {message: string}};
		expect(summary).toMatchObject({type: 'summary', command: 'doctor'});
		expect(summary.checks.length).toBeGreaterThan(3);
		expect(summary.perf.tunnelLatencyMs.p50).toBeGreaterThan(0);
		expect(summary.perf.localLatencyMs.p50).toBeGreaterThan(0);
		expect(typeof summary.perf.addedLatencyMs).toBe('number');
		expect(summary.diagnosis.message.length).toBeGreaterThan(10);
		expect([0, 1]).toContain(r.code);
	});

	it('on the AIlice side without a Twingate Client: exit 1, diagnosis tunnel-down, and a log with each command', async () => {
		const r = await runCli(['doctor', '--role', 'client', '--url', 'http://ollama.invalid:11434', '--json', '--timeout-ms', '800'], {env: {PATH: '/nonexistent'}});
		expect(r.code).toBe(1);
		const summary = lines(r.stdout).at(-1) as {cause: string; fixes: unknown[]};
		expect(summary.cause).toBe('tunnel-down');
		const logs = readdirSync(path.join(r.stateDir, 'logs'));
		expect(logs.length).toBeGreaterThan(0);
		const log = readFileSync(path.join(r.stateDir, 'logs', logs[0] ?? ''), 'utf8');
		expect(log).toMatch(/ran twingate status .*"notFound":true/);
	});
});
