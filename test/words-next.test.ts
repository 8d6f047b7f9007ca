/**
 * A successful run ends with the next thing to do, the same in the plain lines and in --json's
 * summary (`next`): after step 4, how to start AIlice with the model it was set up with; after step 5,
 * how to build and run the container; on the Ollama host, where the connection card goes.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {nonInteractiveAsker} from '../source/app/asker.js';
import {flowSetup} from '../source/app/flows.js';
import {Session} from '../source/app/session.js';
import type {Options} from '../source/cli/args.js';
import type {Step} from '../source/core/types.js';
import {runCli, type CliResult} from './support/cli.js';
import {makeCtx, tempDir} from './support/fake-ctx.js';
import {startFakeOllama, type FakeOllama} from './support/fake-ollama.js';

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

function summaryOf(r: CliResult): Record<string, unknown> {
	return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

/** The plain output's lines before the log line. */
function tail(r: CliResult, n: number): string[] {
	return r.stdout.trim().split('\n').filter((l) => !l.startsWith('Log: ')).slice(-n);
}

const START = /^Start AIlice with `ailice --modelID=ollama:llama3\.2:latest` \(it reads (\S+config\.json)\) and open the web page it prints\.$/;

describe('the next thing to do', () => {
	it('setup --role client: start AIlice with the configured model (plain and --json)', async () => {
		for (const json of [false, true]) {
			const r = await runCli(['--role', 'client', '--url', server.url, '--model', 'llama3.2', '--ollama-here', '--yes', ...(json ? ['--json'] : [])]);
			expect(r.code).toBe(0);
			const config = path.join(r.home, '.config', 'ailice', 'config.json');
			expect(JSON.parse(readFileSync(config, 'utf8'))).toHaveProperty('models.ollama');
			if (json) {
				const next = String(summaryOf(r).next);
				expect(next).toMatch(START);
				expect(START.exec(next)?.[1]).toBe(config);
			} else {
				const [done, next] = tail(r, 2);
				expect(done).toBe('Done.');
				expect(next?.replace(/^Next: /, '')).toMatch(START);
				expect(next).toContain(config);
			}
		}
	});

	it('setup --role client with step 5: AIlice here, and how to run the container', async () => {
		const dir = tempDir('otw-next-');
		const out = path.join(dir, 'deploy');
		const r = await runCli(['--role', 'client', '--url', server.url, '--model', 'llama3.2', '--ollama-here', '--out', out, '--yes', '--json']);
		const next = String(summaryOf(r).next);
		expect(next).toMatch(/^Start AIlice with `ailice --modelID=ollama:llama3\.2:latest`/);
		expect(next).toContain(`For production, run it in the container: in ${out}, copy .env.example to .env`);
		expect(next).toContain('`docker build -t ailice-twingate .`');
	});

	it('configure-ailice: start AIlice (plain and --json); a dry run says how to apply', async () => {
		for (const json of [false, true]) {
			const r = await runCli(['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--provider', 'tunnel', '--yes', ...(json ? ['--json'] : [])]);
			expect(r.code).toBe(0);
			const config = path.join(r.home, '.config', 'ailice', 'config.json');
			const expected = `Start AIlice with \`ailice --modelID=tunnel:llama3.2:latest\` (it reads ${config}) and open the web page it prints.`;
			if (json) expect(summaryOf(r).next).toBe(expected);
			else {
				const [done, next] = tail(r, 2);
				expect(done).toMatch(/^Done: AIlice's config\.json/);
				expect(next).toBe(`Next: ${expected}`);
			}
		}
		const dry = await runCli(['configure-ailice', '--url', server.url, '--model', 'llama3.2', '--dry-run', '--json']);
		expect(summaryOf(dry)).toMatchObject({status: 'pending', next: 'Nothing was changed: run the same command without --dry-run to apply the plan.'});
	});

	it('service-account: the docker lines are printed above, then how to use them (plain and --json)', async () => {
		for (const json of [false, true]) {
			const dir = tempDir('otw-next-');
			const key = path.join(dir, 'key.json');
			writeFileSync(key, JSON.stringify({network: 'acme.twingate.com', private_key: 'FAKE-next-key'}), {mode: 0o600});
			const out = path.join(dir, 'out');
			const r = await runCli(['service-account', '--url', 'http://ollama.home.internal:11434', '--model', 'llama3.2', '--out', out, '--service-key-file', key, '--yes', ...(json ? ['--json'] : [])]);
			expect(r.code).toBe(0);
			const expected = `In ${out}, copy .env.example to .env (if there is none yet) and fill it in, then run \`docker build -t ailice-twingate .\` and the docker run line shown above (also in ${out}/README.md); AIlice's web page is then on http://127.0.0.1:5000.`;
			if (json) {
				const s = summaryOf(r);
				expect(s.next).toBe(expected);
				expect((s.runLines as string[]).join('\n')).toContain('docker run -d --name ailice-twingate');
			} else {
				expect(tail(r, 1)[0]).toBe(`Next: ${expected}`);
				// The run line itself is printed above the Next line (in the plan and the step's result).
				expect(r.stdout.split('docker run -d --name ailice-twingate').length - 1).toBeGreaterThanOrEqual(1);
				expect(r.stdout.lastIndexOf('docker run -d --name ailice-twingate')).toBeLessThan(r.stdout.indexOf('Next: '));
				expect(readFileSync(path.join(out, 'README.md'), 'utf8')).toContain('docker build -t ailice-twingate .');
			}
		}
	});

	it('setup --role server: where the connection card goes', async () => {
		const ctx = makeCtx();
		const card = 'otw1:example';
		const step: Step = {
			id: 'client-address',
			number: 3,
			title: 'The address clients use',
			roles: ['server'],
			dependsOn: [],
			available: true,
			check: async () => ({status: 'ok', summary: 'Clients will use http://ollama.home.internal:11434.', details: [], data: {card, url: 'http://ollama.home.internal:11434'}}),
			plan: async () => ({actions: [], inputs: {}, notes: []}),
			apply: async () => undefined,
		};
		const notes: string[] = [];
		const session = new Session({ctx, answers: {alias: 'ollama.home.internal'}, role: 'server', steps: [step], ephemeral: true});
		const r = await flowSetup(session, nonInteractiveAsker((l) => notes.push(l)), {} as Options);
		expect(r.exitCode).toBe(0);
		expect(notes.join('\n')).toContain(card);
		expect(r.summary.next).toBe('On the AIlice side, run `ollama-tunnel-wizard setup --role client` and paste the connection card (the line starting otw1: above) at its Ollama URL prompt, or pass it with --card.');
	});

	it('a --platform plan says where to apply it (plain and --json)', async () => {
		for (const json of [false, true]) {
			const r = await runCli(['setup', '--dry-run', '--platform', 'linux', '--role', 'server', '--method', 'systemd', '--bind', '0.0.0.0:11434', '--alias', 'ollama.home.internal', ...(json ? ['--json'] : [])]);
			const next = 'This was a plan from stated assumptions: run `ollama-tunnel-wizard setup --role server` on that machine to apply it.';
			if (json) expect(summaryOf(r).next).toBe(next);
			else expect(tail(r, 1)[0]).toBe(`Next: ${next}`);
		}
	});
});
