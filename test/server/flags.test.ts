/**
 * The server-side flags that make steps 1–2 scriptable: `--resource-ready` (the Resource checklist is
 * done), `--docker-probe yes|no` and `--twingate-client-wait yes|no` — parsed, mapped to answers,
 * documented in --help, and `setup --role server --yes --resource-ready …` finishing step 1 as ok.
 */
import {describe, expect, it} from 'vitest';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import {answersFromOptions, flowSetup} from '../../source/app/flows.js';
import {Session} from '../../source/app/session.js';
import {parseCommandLine} from '../../source/cli/args.js';
import {helpText} from '../../source/cli/help.js';
import {twingateNetwork} from '../../source/steps/twingate-network.js';
import {IP_J_ADDR} from './fixtures.js';
import {serverCtx, type ServerTestCtx} from './support.js';

const PS = ['docker', 'ps', '-a', '--format', '{{json .}}'];

describe('parsing and answers', () => {
	it('--resource-ready, --docker-probe and --twingate-client-wait become answers', () => {
		const parsed = parseCommandLine(['setup', '--role', 'server', '--yes', '--resource-ready', '--docker-probe', 'yes', '--twingate-client-wait', 'no']);
		expect(answersFromOptions(parsed.options)).toMatchObject({resourceConfirmed: true, runDockerProbe: true, twingateClientWait: false});
		const none = answersFromOptions(parseCommandLine(['setup', '--role', 'server']).options);
		expect(none.resourceConfirmed).toBeUndefined();
		expect(none.runDockerProbe).toBeUndefined();
		expect(none.twingateClientWait).toBeUndefined();
		expect(answersFromOptions(parseCommandLine(['setup', '--docker-probe', 'no']).options).runDockerProbe).toBe(false);
	});

	it('bad values are exit 2 naming the flag', () => {
		expect(() => parseCommandLine(['setup', '--docker-probe', 'maybe'])).toThrow(/--docker-probe must be "yes" or "no"/);
		expect(() => parseCommandLine(['setup', '--twingate-client-wait', '90'])).toThrow(/--twingate-client-wait must be "yes" or "no"/);
		expect(() => parseCommandLine(['setup', '--resource-ready=yes'])).toThrow(/--resource-ready is a switch/);
	});

	it('doctor and repair accept them too (they re-check steps 1–2)', () => {
		for (const command of ['doctor', 'repair']) expect(parseCommandLine([command, '--resource-ready', '--docker-probe', 'no']).options['resource-ready']).toBe(true);
	});

	it('--help documents them', () => {
		const help = helpText('setup');
		expect(help).toMatch(/--resource-ready +Step 1/);
		expect(help).toMatch(/--docker-probe yes\|no +Step 2/);
		expect(help).toMatch(/--twingate-client-wait yes\|no +Step 1/);
	});
});

function linux(): ServerTestCtx {
	return serverCtx({platform: 'linux'});
}

async function step1(ctx: ServerTestCtx, argv: string[]): Promise<{status: string; summary: string}> {
	const parsed = parseCommandLine(argv);
	const session = new Session({ctx, answers: answersFromOptions(parsed.options), role: 'server', steps: [twingateNetwork], ephemeral: true});
	const result = await flowSetup(session, nonInteractiveAsker(), parsed.options);
	const steps = result.summary.steps as {id: string; status: string; summary: string}[];
	const one = steps.find((x) => x.id === 'twingate-network');
	if (!one) throw new Error(`no step 1 in ${JSON.stringify(result.summary)}`);
	return one;
}

describe('setup --role server --yes --resource-ready finishes step 1 in a script', () => {
	it('a Connector elsewhere (--connector existing): ok with --resource-ready (the checklist includes "the Connector shows Connected")', async () => {
		const ctx = linux();
		ctx.runner.expect({argv: PS, notFound: true, repeat: true}, {argv: ['systemctl', 'is-active', 'twingate-connector'], stdout: 'inactive\n', repeat: true});
		const r = await step1(ctx, ['setup', '--role', 'server', '--yes', '--resource-ready', '--connector', 'existing', '--alias', 'ollama.internal']);
		ctx.runner.assertDone();
		expect(r.status).toBe('ok');
	});

	it('the systemd Connector on this machine: ok with --resource-ready; a warn without it', async () => {
		const ctx = linux();
		const active = [{argv: PS, notFound: true, repeat: true}, {argv: ['systemctl', 'is-active', 'twingate-connector'], stdout: 'active\n', repeat: true}];
		ctx.runner.expect(...active);
		expect((await step1(ctx, ['setup', '--role', 'server', '--yes', '--resource-ready', '--alias', 'ollama.internal'])).status).toBe('ok');

		const without = linux();
		without.runner.expect(...active, {argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR}); // the checklist's address
		const r = await step1(without, ['setup', '--role', 'server', '--yes', '--alias', 'ollama.internal']);
		expect(r.status).toBe('warn');
		expect(r.summary).toContain('The Resource is not confirmed yet.');
	});
});
