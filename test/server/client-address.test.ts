/**
 * Step 3 — the address clients use: addresses per
 * interface with their class, 100.64.0.0/10 labelled and never proposed, `<hostname>.local`, the Resource
 * address, and the connection card (decodeCard from source/core/card.ts), saved in the journal.
 */
import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {decodeCard} from '../../source/core/card.js';
import {wizardPaths} from '../../source/core/paths.js';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import {flowSetup} from '../../source/app/flows.js';
import {Session} from '../../source/app/session.js';
import {clientAddress} from '../../source/steps/client-address.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {IFCONFIG, IP_J_ADDR, LINUX_LAN, MAC_LAN} from './fixtures.js';
import {runThrough, serverCtx, type ServerTestCtx} from './support.js';

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

function mac(): ServerTestCtx {
	const ctx = serverCtx({platform: 'darwin', routes: {'127.0.0.1': server.url}});
	return ctx;
}

const MAC_CMDS = [
	{argv: ['ifconfig'], stdout: IFCONFIG},
	{argv: ['scutil', '--get', 'LocalHostName'], stdout: 'Studio-Mac\n'},
];

describe('step 3: the address clients use', () => {
	it('macOS: en0 is the Resource address; the utun 100.x is a tunnel handle, never proposed; <hostname>.local offered; the card', async () => {
		const ctx = mac();
		ctx.runner.expect(...MAC_CMDS);
		const out = await runThrough(clientAddress, ctx, {alias: 'ollama.home.internal'});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('ok');
		expect(out.result.summary).toBe(`Clients will use http://ollama.home.internal:11434; the Resource points at ${MAC_LAN}:11434.`);
		const text = out.result.details.join('\n');
		expect(text).toMatch(/en0 +172\.30\.7\.47 +LAN address {2}← Resource address/);
		expect(text).toMatch(/utun4 +100\.87\.112\.117 +tunnel handle other machines cannot use\n/);
		expect(text).toMatch(/lo0 +127\.0\.0\.1 +loopback \(this machine only\)/);
		expect(text).toContain('Studio-Mac.local');
		expect(text).toContain('there is no "Twingate IP" of this machine');
		expect(out.result.data?.resourceAddress).toBe(MAC_LAN);
		const card = out.result.data?.card as string;
		expect(out.result.details).toContain(card);
		const decoded = decodeCard(card);
		expect(decoded).toEqual({ok: true, card: {url: 'http://ollama.home.internal:11434', models: ['llama3.2:latest', 'qwen2.5-coder:7b'], version: '0.17.2'}});
		expect(out.applied).toBe(false);
	});

	it('Docker Connector on this Mac: the Resource address is dockerhost', async () => {
		const ctx = mac();
		ctx.runner.expect(...MAC_CMDS);
		const out = await runThrough(clientAddress, ctx, {alias: 'ollama.internal', connector: 'docker-here'}, 'check');
		ctx.runner.assertDone();
		expect(out.result.data?.resourceAddress).toBe('dockerhost');
		expect(out.result.details.join('\n')).toContain('the Docker Connector reaches this Mac as dockerhost');
	});

	it('Linux with a Docker Connector here (--network=host): the Resource address is the LAN IP, never dockerhost; no "Mac"', async () => {
		const ctx = serverCtx({platform: 'linux', routes: {'127.0.0.1': server.url}});
		ctx.runner.expect({argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR}, {argv: ['hostname'], stdout: 'gpu-box\n'});
		const out = await runThrough(clientAddress, ctx, {alias: 'ollama.internal', connector: 'docker-here'}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('ok');
		expect(out.result.data?.resourceAddress).toBe(LINUX_LAN);
		const text = [out.result.summary, ...out.result.details].join('\n');
		expect(text).toContain('--network=host');
		expect(text).not.toContain('dockerhost');
		expect(text).not.toMatch(/\bMac\b/);
	});

	it('simulated Linux plan with a Docker Connector: no dockerhost, no "Mac"', async () => {
		const ctx = serverCtx({platform: 'linux', dryRun: true});
		const out = await runThrough(clientAddress, ctx, {simulated: true, alias: 'ollama.internal', connector: 'docker-here'}, 'dry-run');
		expect(ctx.runner.calls).toEqual([]);
		const text = [out.result.summary, ...out.result.details].join('\n');
		expect(text).not.toContain('dockerhost');
		expect(text).not.toMatch(/\bMac\b/);
	});

	it('a 100.x Resource address on Linux: the advice names the LAN address only (no dockerhost, no "Mac")', async () => {
		const ctx = serverCtx({platform: 'linux', routes: {'127.0.0.1': server.url}});
		ctx.runner.expect({argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR}, {argv: ['hostname'], stdout: 'gpu-box\n'});
		const out = await runThrough(clientAddress, ctx, {alias: 'ollama.internal', resourceAddress: '100.96.1.7'}, 'check');
		expect(out.result.cause).toBe('wrong-address');
		expect(out.result.remediation?.text).not.toMatch(/dockerhost|\bMac\b/);
	});

	it('Linux: ip -j addr; sdwan0 (Twingate, 100.96.1.7) labelled a tunnel handle; eth0 proposed', async () => {
		const ctx = serverCtx({platform: 'linux', routes: {'127.0.0.1': server.url}});
		ctx.runner.expect({argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR}, {argv: ['hostname'], stdout: 'gpu-box.lan\n'});
		const out = await runThrough(clientAddress, ctx, {alias: 'ollama.internal'}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('ok');
		expect(out.result.data?.resourceAddress).toBe(LINUX_LAN);
		expect(out.result.details.join('\n')).toMatch(/sdwan0 +100\.96\.1\.7 +tunnel handle other machines cannot use/);
		expect(out.result.details.join('\n')).toContain('gpu-box.local');
	});

	it('a 100.64.0.0/10 Resource address is refused (a tunnel handle, not this machine)', async () => {
		const ctx = mac();
		ctx.runner.expect(...MAC_CMDS);
		const out = await runThrough(clientAddress, ctx, {alias: 'ollama.internal', resourceAddress: '100.87.112.117'}, 'check');
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('wrong-address');
	});

	it('no alias yet: fail naming --alias', async () => {
		const ctx = mac();
		ctx.runner.expect(...MAC_CMDS);
		const out = await runThrough(clientAddress, ctx, {}, 'check');
		expect(out.result.status).toBe('fail');
		expect(out.result.remediation?.text).toContain('--alias');
	});

	it('Ollama not answering: warn, and the card still carries the URL (no models)', async () => {
		const ctx = serverCtx({platform: 'darwin', routes: {}});
		ctx.runner.expect(...MAC_CMDS);
		const out = await runThrough(clientAddress, ctx, {alias: 'ollama.internal'}, 'check');
		expect(out.result.status).toBe('warn');
		expect(decodeCard(out.result.data?.card as string)).toEqual({ok: true, card: {url: 'http://ollama.internal:11434', models: [], version: null}});
	});

	it('malformed ifconfig output → a clear fail, not a crash', async () => {
		const ctx = mac();
		ctx.runner.expect({argv: ['ifconfig'], stdout: '\tinet 10.0.0.2 netmask 0xff000000'});
		const out = await runThrough(clientAddress, ctx, {alias: 'ollama.internal'}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		expect(out.result.summary).toMatch(/^Could not list this machine's addresses: The ifconfig output starts with an indented line/);
	});
});

describe('step 3 in the setup flow', () => {
	it('saves the card in the journal and prints it as one line', async () => {
		const ctx = mac();
		ctx.runner.expect(...MAC_CMDS);
		const lines: string[] = [];
		const session = new Session({ctx, answers: {alias: 'ollama.home.internal'}, role: 'server', steps: [clientAddress]});
		await session.open();
		const result = await flowSetup(session, nonInteractiveAsker((l) => lines.push(l)), {yes: true});
		ctx.runner.assertDone();
		expect(result.exitCode).toBe(0);
		const journal = JSON.parse(readFileSync(wizardPaths(ctx.env).journal, 'utf8')) as {card: string | null; steps: Record<string, {answers: Record<string, unknown>}>};
		expect(journal.card).toMatch(/^otw1:[A-Za-z0-9_-]+$/);
		expect(decodeCard(journal.card ?? '').ok).toBe(true);
		expect(journal.steps['client-address']?.answers.alias).toBe('ollama.home.internal');
		const printed = lines.join('\n').split('\n');
		expect(printed).toContain(journal.card);
	});
});
