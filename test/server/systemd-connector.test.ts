/**
 * Step 1 with `--connector systemd-here` on a Linux Ollama host: Twingate's setup.sh as Twingate
 * documents it (https://www.twingate.com/docs/connectors-on-linux), run on this Linux machine. The tokens
 * and the network name reach it only through the environment of that one command; the argv, the plan
 * (plain, --json), the events and the run record show the variable names, never the values. Linux only:
 * on macOS it is a usage error naming the rule.
 */
import {describe, expect, it} from 'vitest';
import type {Asker, SelectQuestion, TextQuestion} from '../../source/app/asker.js';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import {interviewTwingateNetwork} from '../../source/app/server-interviews.js';
import {Session} from '../../source/app/session.js';
import {publicAnswers} from '../../source/core/journal.js';
import {twingateNetwork} from '../../source/steps/twingate-network.js';
import {actionForJson, renderAction} from '../../source/views/format.js';
import {runCli} from '../support/cli.js';
import {IP_J_ADDR, LINUX_LAN} from './fixtures.js';
import {argvOf, runThrough, serverCtx, type ServerTestCtx} from './support.js';

const PS = ['docker', 'ps', '-a', '--format', '{{json .}}'];
const IS_ACTIVE = ['systemctl', 'is-active', 'twingate-connector'];
const LOAD_STATE = ['systemctl', 'show', '--property=LoadState', '--value', 'twingate-connector'];
const ID = ['id', '-u'];
const ACCESS = 'at-5e1f0c9a-very-secret-access';
const REFRESH = 'rt-c0ffee42-very-secret-refresh';
/** A network name found nowhere else in the fixtures, so a leak of it is visible. */
const NETWORK = 'zz-tenant-7q';

/**
 * Twingate's "systemd" method — `curl "https://binaries.twingate.com/connector/setup.sh" | sudo TWINGATE_ACCESS_TOKEN="…"
 * TWINGATE_REFRESH_TOKEN="…" TWINGATE_NETWORK="<tenant>" TWINGATE_LABEL_DEPLOYED_BY="linux" bash` — with
 * the three values named (a builtin guard) instead of written on sudo's command line, and `sudo -E`.
 */
const SETUP_SCRIPT =
	': "${TWINGATE_ACCESS_TOKEN:?}" "${TWINGATE_REFRESH_TOKEN:?}" "${TWINGATE_NETWORK:?}"; curl "https://binaries.twingate.com/connector/setup.sh" | sudo -E TWINGATE_LABEL_DEPLOYED_BY=linux bash';
const INSTALL = ['bash', '-o', 'pipefail', '-c', SETUP_SCRIPT];
const INSTALL_AS_ROOT = ['bash', '-o', 'pipefail', '-c', SETUP_SCRIPT.replace('sudo -E ', '')];

const fresh = [
	{argv: PS, notFound: true},
	{argv: IS_ACTIVE, stdout: 'inactive\n', exitCode: 3},
];

describe('step 1: --connector systemd-here on a Linux Ollama host', () => {
	it('installs with setup.sh: the tokens and network only in that command\'s environment, sudo in the terminal; the check then sees the service active', async () => {
		const ctx = serverCtx({platform: 'linux'});
		let opts: {env?: Record<string, string | undefined>; interactive?: boolean} | undefined;
		ctx.runner.expect(
			...fresh, // check
			...fresh, // plan
			{argv: ID, stdout: '1000\n'},
			{argv: LOAD_STATE, stdout: 'not-found\n'},
			{argv: INSTALL, check: (o) => void (opts = o)},
			{argv: IS_ACTIVE, stdout: 'active\n'}, // the wait after setup.sh
			{argv: PS, notFound: true}, // verify
			{argv: IS_ACTIVE, stdout: 'active\n'},
		);
		const answers = {connector: 'systemd-here', twingateNetwork: NETWORK, connectorAccessToken: ACCESS, connectorRefreshToken: REFRESH, alias: 'ollama.home.internal', resourceConfirmed: true};
		const out = await runThrough(twingateNetwork, ctx, answers);
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([PS, IS_ACTIVE, PS, IS_ACTIVE, ID, LOAD_STATE, INSTALL, IS_ACTIVE, PS, IS_ACTIVE]);

		// The environment of that one command holds the values; its argv only the names.
		expect(opts?.env).toEqual({TWINGATE_ACCESS_TOKEN: ACCESS, TWINGATE_REFRESH_TOKEN: REFRESH, TWINGATE_NETWORK: NETWORK});
		expect(opts?.interactive).toBe(true);
		const argv = INSTALL.join(' ');
		for (const value of [ACCESS, REFRESH, NETWORK]) expect(argv).not.toContain(value);
		for (const name of ['TWINGATE_ACCESS_TOKEN', 'TWINGATE_REFRESH_TOKEN', 'TWINGATE_NETWORK']) expect(argv).toContain(name);
		// No other command got the secret environment.
		expect(ctx.runner.calls.filter((c) => c.opts?.env !== undefined).map((c) => c.argv)).toEqual([INSTALL]);

		expect(out.applied).toBe(true);
		expect(out.result.status).toBe('ok');
		expect(out.result.summary).toContain('systemd service twingate-connector (active)');
		expect(out.events).toContainEqual(expect.objectContaining({type: 'step:progress', check: 'connector', status: 'ok', message: 'The twingate-connector service is active.'}));
		expect(out.run.commands).toMatchObject([{argv: INSTALL, undo: ['sudo', 'systemctl', 'disable', '--now', 'twingate-connector']}]);
	});

	it('never shows a token or the network: not in any event, the rendered plan, the --json plan, the run record or the journal answers', async () => {
		const ctx = serverCtx({platform: 'linux'});
		ctx.runner.expect(...fresh, ...fresh, {argv: LOAD_STATE, stdout: 'not-found\n'}, {argv: ID, stdout: '1000\n'}, {argv: INSTALL}, {argv: IS_ACTIVE, stdout: 'active\n'}, {argv: PS, notFound: true}, {argv: IS_ACTIVE, stdout: 'active\n'});
		const answers = {connector: 'systemd-here', twingateNetwork: NETWORK, connectorAccessToken: ACCESS, connectorRefreshToken: REFRESH, alias: 'ollama.home.internal', resourceConfirmed: true};
		const out = await runThrough(twingateNetwork, ctx, answers);
		ctx.runner.assertDone();
		const actions = out.plan?.actions ?? [];
		const plan = [...actions.map(renderAction), JSON.stringify(actions.map(actionForJson)), ...(out.plan?.notes ?? [])].join('\n');
		expect(plan).toContain('$ bash -o pipefail -c \': "${TWINGATE_ACCESS_TOKEN:?}" "${TWINGATE_REFRESH_TOKEN:?}" "${TWINGATE_NETWORK:?}"; curl "https://binaries.twingate.com/connector/setup.sh" | sudo -E TWINGATE_LABEL_DEPLOYED_BY=linux bash\'');
		expect(plan).toContain('runs in your terminal');
		const events = JSON.stringify(out.events.map((e) => (e.type === 'step:plan' ? {...e, plan: {actions: e.plan.actions, notes: e.plan.notes}} : e)));
		for (const shown of [plan, events, JSON.stringify(out.run)]) {
			expect(shown).not.toContain(ACCESS);
			expect(shown).not.toContain(REFRESH);
			expect(shown).not.toContain(NETWORK);
		}
		// The tokens are not in the events at all (the plan's inputs included), nor in the journal answers.
		expect(JSON.stringify(out.events)).not.toMatch(/very-secret/);
		expect(JSON.stringify(publicAnswers(answers, ctx.secrets))).not.toMatch(/very-secret/);
		expect(ctx.secrets.redact(`x ${ACCESS} ${REFRESH} y`)).toBe('x *** *** y');
	});

	it('the tokens may come from TWINGATE_ACCESS_TOKEN / TWINGATE_REFRESH_TOKEN in the wizard\'s environment', async () => {
		const ctx = serverCtx({platform: 'linux'});
		ctx.env = {...ctx.env, TWINGATE_ACCESS_TOKEN: ACCESS, TWINGATE_REFRESH_TOKEN: REFRESH};
		let env: Record<string, string | undefined> | undefined;
		ctx.runner.expect(...fresh, ...fresh, {argv: LOAD_STATE, stdout: 'not-found\n'}, {argv: ID, stdout: '1000\n'}, {argv: INSTALL, check: (o) => void (env = o?.env)}, {argv: IS_ACTIVE, stdout: 'active\n'}, {argv: PS, notFound: true}, {argv: IS_ACTIVE, stdout: 'active\n'});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'systemd-here', twingateNetwork: NETWORK, resourceConfirmed: true});
		ctx.runner.assertDone();
		expect(env).toEqual({TWINGATE_ACCESS_TOKEN: ACCESS, TWINGATE_REFRESH_TOKEN: REFRESH, TWINGATE_NETWORK: NETWORK});
		expect(out.result.status).toBe('ok');
		expect(ctx.secrets.redact(ACCESS)).toBe('***');
	});

	it('as root: the same setup.sh without sudo, not in the terminal, and an undo without sudo', async () => {
		const ctx = serverCtx({platform: 'linux'});
		let interactive: boolean | undefined;
		ctx.runner.expect(...fresh, ...fresh, {argv: LOAD_STATE, stdout: 'not-found\n'}, {argv: ID, stdout: '0\n'}, {argv: INSTALL_AS_ROOT, check: (o) => void (interactive = o?.interactive)}, {argv: IS_ACTIVE, stdout: 'active\n'}, {argv: PS, notFound: true}, {argv: IS_ACTIVE, stdout: 'active\n'});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'systemd-here', twingateNetwork: NETWORK, connectorAccessToken: ACCESS, connectorRefreshToken: REFRESH, resourceConfirmed: true});
		ctx.runner.assertDone();
		expect(interactive).toBe(false);
		expect(out.result.status).toBe('ok');
		expect(out.run.commands).toMatchObject([{argv: INSTALL_AS_ROOT, undo: ['systemctl', 'disable', '--now', 'twingate-connector']}]);
	});

	it('an installed but stopped service is started again: no setup.sh, no tokens needed; undo stops it', async () => {
		const ctx = serverCtx({platform: 'linux'});
		const failed = [{argv: PS, notFound: true}, {argv: IS_ACTIVE, stdout: 'failed\n', exitCode: 3}];
		ctx.runner.expect(
			...failed,
			...failed,
			{argv: LOAD_STATE, stdout: 'loaded\n'},
			{argv: ID, stdout: '1000\n'},
			{argv: ['sudo', 'systemctl', 'start', 'twingate-connector'], check: (o) => expect(o?.interactive).toBe(true)},
			{argv: IS_ACTIVE, stdout: 'activating\n'},
			{argv: IS_ACTIVE, stdout: 'active\n'},
			{argv: PS, notFound: true},
			{argv: IS_ACTIVE, stdout: 'active\n'},
		);
		const out = await runThrough(twingateNetwork, ctx, {connector: 'systemd-here', resourceConfirmed: true});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('ok');
		expect(ctx.clock.slept).toBe(1000);
		expect(out.run.commands).toMatchObject([{argv: ['sudo', 'systemctl', 'start', 'twingate-connector'], undo: ['sudo', 'systemctl', 'stop', 'twingate-connector']}]);
	});

	it('the check names the service state, and without tokens (not a dry run) the plan stops with exit-2 advice naming the environment variables', async () => {
		const ctx = serverCtx({platform: 'linux'});
		ctx.runner.expect(...fresh, ...fresh, {argv: LOAD_STATE, stdout: 'not-found\n'}, {argv: ID, stdout: '1000\n'});
		await expect(runThrough(twingateNetwork, ctx, {connector: 'systemd-here', twingateNetwork: NETWORK})).rejects.toMatchObject({exitCode: 2, hint: expect.stringContaining('TWINGATE_ACCESS_TOKEN and TWINGATE_REFRESH_TOKEN')});

		const check = serverCtx({platform: 'linux'});
		check.runner.expect(...fresh);
		const out = await runThrough(twingateNetwork, check, {connector: 'systemd-here'}, 'check');
		check.runner.assertDone();
		expect(out.result).toMatchObject({status: 'fail', cause: 'connector-missing', summary: 'The twingate-connector systemd service is not active on this machine (systemctl is-active says inactive).'});
	});

	it('dry run: the Resource is this machine\'s LAN IP (never dockerhost, never "Mac"); 127.0.0.1 only with --resource-address 127.0.0.1', async () => {
		const ctx = serverCtx({platform: 'linux', dryRun: true});
		ctx.runner.expect(...fresh, ...fresh, {argv: LOAD_STATE, stdout: 'not-found\n'}, {argv: ID, stdout: '1000\n'}, {argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'systemd-here', alias: 'ollama.internal'}, 'dry-run');
		ctx.runner.assertDone();
		expect(out.plan?.actions[0]).toMatchObject({kind: 'command', argv: INSTALL, interactive: true});
		expect(out.plan?.inputs.resourceAddress).toBe(LINUX_LAN);
		const text = JSON.stringify({plan: out.plan, result: out.result});
		expect(text).toContain(`Address: ${LINUX_LAN}`);
		expect(text).not.toContain('dockerhost');
		expect(text).not.toMatch(/\bMac\b/);

		const loop = serverCtx({platform: 'linux', dryRun: true});
		loop.runner.expect(...fresh, ...fresh, {argv: LOAD_STATE, stdout: 'not-found\n'}, {argv: ID, stdout: '1000\n'});
		const out2 = await runThrough(twingateNetwork, loop, {connector: 'systemd-here', alias: 'ollama.internal', resourceAddress: '127.0.0.1'}, 'dry-run');
		loop.runner.assertDone();
		expect(JSON.stringify(out2.plan?.actions)).toContain('Address: 127.0.0.1');
	});
});

describe('step 1: --connector systemd-here is Linux only', () => {
	it('macOS: the plan is a usage error (exit 2) naming the rule, before any command could run', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		ctx.runner.expect({argv: PS, stdout: ''});
		await expect(runThrough(twingateNetwork, ctx, {connector: 'systemd-here', twingateNetwork: NETWORK, connectorAccessToken: ACCESS, connectorRefreshToken: REFRESH})).rejects.toMatchObject({
			exitCode: 2,
			message: expect.stringContaining("--connector systemd-here does not apply to macOS: Twingate's systemd Connector runs on Linux only"),
			hint: expect.stringContaining('--connector docker-here'),
		});
		ctx.runner.assertDone();
		expect(argvOf(ctx).some((a) => a[0] === 'sudo' || a[0] === 'bash' || a[0] === 'systemctl')).toBe(false);
	});

	it('macOS: the interview refuses it too (exit 2), and a simulated --platform darwin plan as well', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		const s = new Session({ctx, answers: {connector: 'systemd-here'}, role: 'server', ephemeral: true});
		await expect(interviewTwingateNetwork(s, nonInteractiveAsker())).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('Linux only')});
		expect(ctx.runner.calls).toEqual([]);

		const sim = serverCtx({platform: 'darwin', dryRun: true});
		await expect(runThrough(twingateNetwork, sim, {simulated: true, connector: 'systemd-here'}, 'dry-run')).rejects.toMatchObject({exitCode: 2});
		expect(sim.runner.calls).toEqual([]);
	});
});

/** Answers selects/texts by flag (tokens by message); records every question. */
function scripted(answers: Record<string, string | boolean>): Asker & {selects: SelectQuestion<string>[]; texts: TextQuestion[]} {
	const selects: SelectQuestion<string>[] = [];
	const texts: TextQuestion[] = [];
	const pick = (key: string) => {
		const v = answers[key];
		if (v === undefined) throw new Error(`no scripted answer for ${key}`);
		return v;
	};
	return {
		selects,
		texts,
		interactive: true,
		async text(q) {
			texts.push(q);
			return String(pick(q.message.includes('refresh') ? 'refresh' : q.message.includes('access token') ? 'access' : q.flag));
		},
		async select<T extends string>(q: SelectQuestion<T>) {
			selects.push(q as SelectQuestion<string>);
			return pick(q.flag) as T;
		},
		async confirm(q) {
			return Boolean(pick(q.message.split(' ')[0] ?? ''));
		},
		async note() {},
	};
}

function linuxSession(ctx: ServerTestCtx, answers: Record<string, unknown> = {}): Session {
	return new Session({ctx, answers: {alias: 'ollama.internal', resourceConfirmed: true, twingateClient: 'skip', ...answers}, role: 'server', ephemeral: true});
}

describe('step 1 interview: systemd-here', () => {
	it('Linux: offers systemd-here, then asks the network and both tokens masked (registered as secrets) when the service is not installed', async () => {
		const ctx = serverCtx({platform: 'linux'});
		ctx.runner.expect(...fresh, ...fresh, {argv: LOAD_STATE, stdout: 'not-found\n'});
		const s = linuxSession(ctx);
		const asker = scripted({'--connector': 'systemd-here', '--twingate-network': NETWORK, access: ACCESS, refresh: REFRESH});
		await interviewTwingateNetwork(s, asker);
		ctx.runner.assertDone();
		const offered = asker.selects.find((q) => q.flag === '--connector')?.choices ?? [];
		expect(offered.map((c) => c.value)).toContain('systemd-here');
		expect(JSON.stringify(offered)).not.toMatch(/\bMac\b|dockerhost/);
		const tokens = asker.texts.filter((q) => /token/.test(q.message));
		expect(tokens).toHaveLength(2);
		expect(tokens.every((q) => q.secret === true)).toBe(true);
		expect(s.answers).toMatchObject({connector: 'systemd-here', twingateNetwork: NETWORK, connectorAccessToken: ACCESS, connectorRefreshToken: REFRESH});
		expect(ctx.secrets.redact(`${ACCESS} ${REFRESH}`)).toBe('*** ***');
	});

	it('Linux: an installed service needs no tokens; an active one is recognised as systemd-here without asking', async () => {
		const ctx = serverCtx({platform: 'linux'});
		ctx.runner.expect(...fresh, {argv: LOAD_STATE, stdout: 'loaded\n'});
		const s = linuxSession(ctx, {connector: 'systemd-here'});
		await interviewTwingateNetwork(s, nonInteractiveAsker());
		ctx.runner.assertDone();
		expect(s.answers.connectorAccessToken).toBeUndefined();

		const active = serverCtx({platform: 'linux'});
		active.runner.expect({argv: PS, notFound: true}, {argv: IS_ACTIVE, stdout: 'active\n'}, {argv: PS, notFound: true}, {argv: IS_ACTIVE, stdout: 'active\n'});
		const s2 = linuxSession(active);
		const asker = scripted({});
		await interviewTwingateNetwork(s2, asker);
		active.runner.assertDone();
		expect(s2.answers.connector).toBe('systemd-here');
		expect(asker.selects).toEqual([]);
	});

	it('macOS: systemd-here is not offered', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		ctx.runner.expect({argv: PS, stdout: ''});
		const s = new Session({ctx, answers: {alias: 'ollama.internal', resourceConfirmed: true, twingateClient: 'skip'}, role: 'server', ephemeral: true});
		const asker = scripted({'--connector': 'skip'});
		await interviewTwingateNetwork(s, asker);
		expect(asker.selects[0]?.choices.map((c) => c.value)).not.toContain('systemd-here');
	});
});

describe('setup --dry-run --platform linux --connector systemd-here (the built CLI)', () => {
	const args = ['setup', '--dry-run', '--platform', 'linux', '--role', 'server', '--connector', 'systemd-here', '--twingate-network', NETWORK, '--method', 'systemd', '--bind', '0.0.0.0:11434', '--alias', 'ollama.home.internal'];
	const env = {TWINGATE_ACCESS_TOKEN: ACCESS, TWINGATE_REFRESH_TOKEN: REFRESH};

	it('prints the setup.sh command with the variable names only, the Resource as the LAN IP placeholder, no token, network, "Mac" or dockerhost', async () => {
		const r = await runCli(args, {env});
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain(`$ ${INSTALL.slice(0, 4).join(' ')} '${SETUP_SCRIPT}'`);
		expect(r.stdout).toContain('runs in your terminal');
		expect(r.stdout).toContain('Address: <LAN IP of this machine>');
		expect(r.stdout).toContain('planned for Linux from stated assumptions');
		expect(r.stdout).toContain('Done (dry run: nothing was changed).');
		for (const value of [ACCESS, REFRESH, NETWORK]) expect(r.stdout).not.toContain(value);
		expect(r.stdout).not.toContain('dockerhost');
		expect(r.stdout).not.toMatch(/\bMac\b/);
	});

	it('--json carries the same argv (names only, interactive); no token or network in any line', async () => {
		const r = await runCli([...args, '--json'], {env});
		expect(r.code).toBe(0);
		const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		const step1 = events.find((e) => e.type === 'step:plan' && e.step === 'twingate-network') as {actions: {kind: string; argv?: string[]; interactive?: boolean; text?: string}[]};
		expect(step1.actions[0]).toMatchObject({kind: 'command', argv: INSTALL, interactive: true});
		expect(step1.actions.find((a) => a.kind === 'manual' && a.text?.includes('Add Resource'))?.text).toContain('Address: <LAN IP of this machine>');
		for (const value of [ACCESS, REFRESH, NETWORK]) expect(r.stdout).not.toContain(value);
	});

	it('--platform darwin --connector systemd-here is exit 2 naming the rule', async () => {
		const r = await runCli(['setup', '--dry-run', '--platform', 'darwin', '--role', 'server', '--connector', 'systemd-here', '--method', 'launchagent', '--bind', '0.0.0.0:11434', '--alias', 'ollama.home.internal']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('--connector systemd-here does not apply to macOS');
		expect(r.stderr).toContain('Linux only');
	});
});
