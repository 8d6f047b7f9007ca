/**
 * A host name with several addresses is tried on every address in order, as curl and Python's
 * socket.create_connection do. A real server listens on 127.0.0.1 only; the lookup (the injected
 * ctx.net) answers ::1 first, as `localhost` does on many systems, or a name with AAAA and A records.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {NetProbe, ResolvedAddress} from '../../source/core/context.js';
import {testConnection} from '../../source/core/connection-test.js';
import {createNetProbe} from '../../source/core/real-context.js';
import {parseOllamaUrl, type OllamaUrl} from '../../source/core/url.js';
import {DOCTOR_CHECKS} from '../../source/doctor/checks.js';
import {diagnose} from '../../source/doctor/diagnose.js';
import {runChecks} from '../../source/doctor/run.js';
import type {DoctorInput} from '../../source/doctor/types.js';
import {EventBus} from '../../source/core/events.js';
import {makeCtx} from '../support/fake-ctx.js';
import {closedPort, startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';

function url(u: string): OllamaUrl {
	const r = parseOllamaUrl(u);
	if (!r.ok) throw new Error(r.problem);
	return r.url;
}

/** The real TCP probe, with a lookup that answers `addresses` in this order; records every connect. */
function netWith(addresses: ResolvedAddress[], connects: string[]): NetProbe {
	const real = createNetProbe(new AbortController().signal);
	return {
		lookup: async () => addresses,
		tcpConnect: (host, port, timeoutMs) => {
			connects.push(host);
			return real.tcpConnect(host, port, timeoutMs);
		},
	};
}

const V6_FIRST: ResolvedAddress[] = [
	{address: '::1', family: 6},
	{address: '127.0.0.1', family: 4},
];

describe('every address of a name is tried', () => {
	let server: FakeOllama;
	beforeAll(async () => {
		server = await startFakeOllama({tokens: 3});
	});
	afterAll(async () => {
		await server.close();
	});

	it('localhost → ::1, 127.0.0.1 with the server on 127.0.0.1 only: reachable, not refused', async () => {
		const connects: string[] = [];
		const progress: string[] = [];
		const ctx = makeCtx({net: netWith(V6_FIRST, connects)});
		try {
			const r = await testConnection(ctx, {
				url: url(`http://localhost:${server.port}`),
				samples: 1,
				timeoutMs: 2000,
				chatTimeoutMs: 5000,
				onProgress: (check, status, message) => progress.push(`${check}:${status}:${message}`),
			});
			expect(r.cause, r.message).toBeNull();
			expect(r.status).toBe('ok');
			expect(r.connectMs).not.toBeNull();
			expect(r.addresses.map((a) => a.address)).toEqual(['::1', '127.0.0.1']);
			// ::1 really was tried first (and refused), then 127.0.0.1 connected.
			expect(connects).toEqual(['::1', '127.0.0.1']);
			expect(progress).toContain(`tcp:ok:TCP connection to 127.0.0.1 in ${r.connectMs} ms`);
		} finally {
			ctx.controller.abort();
		}
	});

	it('the first address that connects wins; later ones are not tried', async () => {
		const connects: string[] = [];
		const ctx = makeCtx({net: netWith([{address: '127.0.0.1', family: 4}, {address: '::1', family: 6}], connects)});
		try {
			const r = await testConnection(ctx, {url: url(`http://localhost:${server.port}`), samples: 1, timeoutMs: 2000, chatTimeoutMs: 5000});
			expect(r.status).toBe('ok');
			expect(connects).toEqual(['127.0.0.1']);
		} finally {
			ctx.controller.abort();
		}
	});

	it('every address refused: refused, naming each address tried', async () => {
		const port = await closedPort();
		const connects: string[] = [];
		const ctx = makeCtx({net: netWith(V6_FIRST, connects)});
		try {
			const r = await testConnection(ctx, {url: url(`http://localhost:${port}`), samples: 1, timeoutMs: 2000, chatTimeoutMs: 5000});
			expect(r.cause).toBe('refused');
			expect(connects).toEqual(['::1', '127.0.0.1']);
			expect(r.message).toMatch(/^Nothing is listening on localhost:\d+ \(TCP connect to port \d+ tried 2 addresses: ::1 refused; 127\.0\.0\.1 refused\)/);
		} finally {
			ctx.controller.abort();
		}
	});

	it('doctor: the connection test through a ::1-first name passes, and the diagnosis is not "nothing listens"', async () => {
		const connects: string[] = [];
		const ctx = makeCtx({net: netWith(V6_FIRST, connects)});
		const input: DoctorInput = {role: 'client', url: url(`http://localhost:${server.port}`), ollamaHere: true, timeoutMs: 3000, samples: 1, perf: false};
		try {
			const checks = DOCTOR_CHECKS.filter((c) => c.id === 'network.test');
			const records = await runChecks(checks, ctx, input, new EventBus());
			const test = records.find((r) => r.id === 'network.test');
			expect(test?.status, test?.detail).toBe('ok');
			expect(connects.slice(0, 2)).toEqual(['::1', '127.0.0.1']);
			expect(diagnose(records, 'client').cause).toBeNull();
		} finally {
			ctx.controller.abort();
		}
	});

	it('doctor: an alias with a Twingate and a non-Twingate address warns that traffic may bypass the tunnel', async () => {
		const ctx = makeCtx({net: netWith([{address: '2001:db8::7', family: 6}, {address: '100.96.0.7', family: 4}], [])});
		const input: DoctorInput = {role: 'client', url: url('http://ollama.home.internal:11434'), timeoutMs: 1000, samples: 1, perf: false};
		try {
			const records = await runChecks(DOCTOR_CHECKS.filter((c) => c.id === 'network.resolve'), ctx, input, new EventBus());
			const resolve = records.find((r) => r.id === 'network.resolve');
			expect(resolve?.status).toBe('warn');
			expect(resolve?.detail).toContain('2001:db8::7, 100.96.0.7 (Twingate)');
			expect(resolve?.detail).toMatch(/try these in order/);
		} finally {
			ctx.controller.abort();
		}
	});
});
