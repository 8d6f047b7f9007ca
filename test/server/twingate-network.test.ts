/**
 * Step 1 — the serving side of Twingate:
 * Connector detection and the exact `docker run`, tokens that never leave memory except into that one
 * process's environment, the Resource checklist, and the optional macOS app without any `twingate` CLI.
 */
import {describe, expect, it} from 'vitest';
import {publicAnswers} from '../../source/core/journal.js';
import {twingateNetwork} from '../../source/steps/twingate-network.js';
import {actionForJson, renderAction} from '../../source/views/format.js';
import {DOCKER_CONNECTOR_UP, IFCONFIG, IP_J_ADDR, LINUX_LAN, MAC_LAN, SCUTIL_CONNECTED} from './fixtures.js';
import {argvOf, runThrough, serverCtx} from './support.js';

const PS = ['docker', 'ps', '-a', '--format', '{{json .}}'];
const BREW_LIST = ['brew', 'list', '--cask', 'twingate'];
const ACCESS = 'at-4f9c1d2e-very-secret-access';
const REFRESH = 'rt-77aa0b1c-very-secret-refresh';

/** The Connector's docker run, as generated for this Mac: tokens by name only, --add-host for dockerhost. */
const DOCKER_RUN_MAC = [
	'docker', 'run', '-d',
	'--env', 'TWINGATE_NETWORK=acme',
	'--env', 'TWINGATE_ACCESS_TOKEN',
	'--env', 'TWINGATE_REFRESH_TOKEN',
	'--env', 'TWINGATE_LABEL_DEPLOYED_BY=docker',
	'--sysctl', 'net.ipv4.ping_group_range=0 2147483647',
	'--name', 'twingate-connector',
	'--restart=unless-stopped', '--pull=always',
	'--add-host', 'dockerhost:host-gateway',
	'twingate/connector:1',
];

/** The same on a Linux host: --network=host (shares this machine's network), no --add-host, no dockerhost. */
const DOCKER_RUN_LINUX = [...DOCKER_RUN_MAC.slice(0, -3), '--network=host', 'twingate/connector:1'];

describe('step 1: a Docker Connector on this Mac', () => {
	it('runs the exact docker run with the tokens only in its environment; the Resource address is dockerhost', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		let env: Record<string, string> | undefined;
		ctx.runner.expect(
			{argv: PS, stdout: ''},
			{argv: PS, stdout: ''},
			{argv: DOCKER_RUN_MAC, stdout: 'f3c2a1b0e9d8\n', check: (opts) => void (env = opts?.env)},
			{argv: PS, stdout: `${DOCKER_CONNECTOR_UP}\n`},
		);
		const answers = {connector: 'docker-here', twingateNetwork: 'acme', connectorAccessToken: ACCESS, connectorRefreshToken: REFRESH, alias: 'ollama.home.internal', resourceConfirmed: true};
		const out = await runThrough(twingateNetwork, ctx, answers);
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([PS, PS, DOCKER_RUN_MAC, PS]);
		expect(env).toEqual({TWINGATE_ACCESS_TOKEN: ACCESS, TWINGATE_REFRESH_TOKEN: REFRESH});
		expect(out.result.status).toBe('ok');
		expect(out.result.summary).toContain('container twingate-connector (twingate/connector:1, Up 2 minutes)');
		// Never printed or stored: not in any event, plan display, NDJSON plan, the run record or the journal answers.
		const shown = [JSON.stringify(out.events), ...(out.plan?.actions ?? []).map(renderAction), JSON.stringify(out.plan?.actions.map(actionForJson)), JSON.stringify(out.run)].join('\n');
		expect(shown).not.toContain(ACCESS);
		expect(shown).not.toContain(REFRESH);
		expect(JSON.stringify(publicAnswers(answers, ctx.secrets))).not.toMatch(/very-secret/);
		expect(ctx.secrets.redact(`x ${ACCESS} y`)).toBe('x *** y');
		expect(out.run.commands[0]).toMatchObject({argv: DOCKER_RUN_MAC, undo: ['docker', 'rm', '-f', 'twingate-connector']});
	});

	it('plans the Resource checklist (dockerhost, TCP 11434 only, the alias, access) and says it is not confirmed', async () => {
		const ctx = serverCtx({platform: 'darwin', dryRun: true});
		ctx.runner.expect({argv: PS, stdout: ''}, {argv: PS, stdout: ''});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'docker-here', alias: 'ollama.home.internal'}, 'dry-run');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		expect(out.result.cause).toBe('connector-missing');
		const manual = out.plan?.actions.filter((a) => a.kind === 'manual').map((a) => (a.kind === 'manual' ? a.text : ''));
		const checklist = manual?.find((t) => t.includes('Add Resource')) ?? '';
		expect(checklist).toContain('Address: dockerhost');
		expect(checklist).toContain('TCP restricted to port 11434 only');
		expect(checklist).toContain('Alias: ollama.home.internal');
		expect(checklist).toContain('Service Account');
		// Dry run needs no tokens: the command names them and the real run passes them by environment.
		expect(out.plan?.actions[0]).toMatchObject({kind: 'command', argv: [...DOCKER_RUN_MAC.slice(0, 4), 'TWINGATE_NETWORK=<network>', ...DOCKER_RUN_MAC.slice(5)]});
	});

	it('without tokens (and not a dry run) the plan stops with exit-2 advice naming the environment variables', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		ctx.runner.expect({argv: PS, stdout: ''}, {argv: PS, stdout: ''});
		await expect(runThrough(twingateNetwork, ctx, {connector: 'docker-here', twingateNetwork: 'acme'})).rejects.toMatchObject({exitCode: 2, hint: expect.stringContaining('TWINGATE_ACCESS_TOKEN and TWINGATE_REFRESH_TOKEN')});
	});

	it('a stopped connector container is started again, no tokens needed', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		const stopped = DOCKER_CONNECTOR_UP.replace('"running"', '"exited"').replace('Up 2 minutes', 'Exited (0) 3 hours ago');
		ctx.runner.expect({argv: PS, stdout: stopped}, {argv: PS, stdout: stopped}, {argv: ['docker', 'start', 'twingate-connector']}, {argv: PS, stdout: DOCKER_CONNECTOR_UP});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'docker-here', resourceConfirmed: true});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('ok');
	});

	it('malformed docker ps output → a clear fail, not a crash', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		ctx.runner.expect({argv: PS, stdout: 'CONTAINER ID   IMAGE   COMMAND'});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'docker-here'}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('fail');
		expect(out.result.summary).toMatch(/^Could not tell whether a Connector container runs: Line 1 of the docker ps output is not JSON/);
	});
});

describe('step 1: a Connector elsewhere', () => {
	it('lan-machine: prints the systemd and docker commands with token placeholders and the LAN address for the Resource', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		ctx.runner.expect({argv: PS, stdout: ''}, {argv: PS, stdout: ''}, {argv: ['ifconfig'], stdout: IFCONFIG});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'lan-machine', twingateNetwork: 'acme'});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('warn');
		const text = JSON.stringify(out.plan?.actions);
		expect(text).toContain('curl \\"https://binaries.twingate.com/connector/setup.sh\\" | sudo TWINGATE_ACCESS_TOKEN=\\"<access token>\\"');
		expect(text).toContain('--network=host twingate/connector:1');
		expect(text).toContain(`Address: ${MAC_LAN}`);
		expect(text).not.toContain('100.87.112.117');
	});

	it('Linux host with the twingate-connector systemd service active: ok (docker absent)', async () => {
		const ctx = serverCtx({platform: 'linux'});
		ctx.runner.expect({argv: PS, notFound: true}, {argv: ['systemctl', 'is-active', 'twingate-connector'], stdout: 'active\n'});
		const out = await runThrough(twingateNetwork, ctx, {resourceConfirmed: true}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('ok');
		expect(out.result.summary).toContain('systemd service twingate-connector (active)');
	});

	it('Linux: the optional client is read with twingate status', async () => {
		const ctx = serverCtx({platform: 'linux'});
		ctx.runner.expect({argv: PS, notFound: true}, {argv: ['systemctl', 'is-active', 'twingate-connector'], stdout: 'active\n'}, {argv: ['twingate', 'status'], stdout: 'authenticating\n'});
		const out = await runThrough(twingateNetwork, ctx, {resourceConfirmed: true, twingateClient: 'use'}, 'check');
		ctx.runner.assertDone();
		expect(out.result.status).toBe('warn');
		expect(out.result.details).toContain('Twingate client (optional): twingate status says authenticating.');
	});

	it('Linux: the Resource address defaults to the LAN address from ip -j addr, never the sdwan0 100.x', async () => {
		const ctx = serverCtx({platform: 'linux'});
		const none = [{argv: PS, stdout: ''}, {argv: ['systemctl', 'is-active', 'twingate-connector'], stdout: 'inactive\n'}];
		ctx.runner.expect(...none, ...none, {argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'existing', connectorConfirmed: true, alias: 'ollama.internal'});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('warn'); // Resource not confirmed yet
		expect(JSON.stringify(out.plan?.actions)).toContain('Address: 192.168.1.20');
		expect(out.plan?.inputs.resourceAddress).toBe('192.168.1.20');
	});
});

describe('step 1: a Docker Connector on a Linux Ollama host', () => {
	const none = [{argv: PS, stdout: ''}, {argv: ['systemctl', 'is-active', 'twingate-connector'], stdout: 'inactive\n'}];

	it('runs with --network=host and no --add-host; the Resource address is the LAN IP, never dockerhost; no "Mac" in any text', async () => {
		const ctx = serverCtx({platform: 'linux', dryRun: true});
		ctx.runner.expect(...none, ...none, {argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'docker-here', twingateNetwork: 'acme', alias: 'ollama.internal'}, 'dry-run');
		ctx.runner.assertDone();
		expect(out.plan?.actions[0]).toMatchObject({kind: 'command', argv: DOCKER_RUN_LINUX});
		expect(out.plan?.inputs.resourceAddress).toBe(LINUX_LAN);
		const text = JSON.stringify({plan: out.plan, result: out.result});
		expect(text).toContain(`Address: ${LINUX_LAN}`);
		expect(text).toContain('--network=host');
		expect(text).not.toContain('dockerhost');
		expect(text).not.toMatch(/\bMac\b/);
	});

	it('without a placement chosen, the topology text for Linux names --network=host and the LAN IP, not dockerhost or a Mac', async () => {
		const ctx = serverCtx({platform: 'linux'});
		ctx.runner.expect(...none);
		const out = await runThrough(twingateNetwork, ctx, {}, 'check');
		ctx.runner.assertDone();
		const text = [out.result.summary, ...out.result.details, out.result.remediation?.text ?? ''].join('\n');
		expect(text).toContain('--network=host');
		expect(text).not.toContain('dockerhost');
		expect(text).not.toMatch(/\bMac\b/);
	});

	it('simulated Linux plan (--platform linux): --network=host, a LAN-IP placeholder, no "Mac"', async () => {
		const ctx = serverCtx({platform: 'linux', dryRun: true});
		const out = await runThrough(twingateNetwork, ctx, {simulated: true, connector: 'docker-here', alias: 'ollama.internal'}, 'dry-run');
		expect(ctx.runner.calls).toEqual([]);
		expect(out.plan?.actions[0]).toMatchObject({kind: 'command', argv: expect.arrayContaining(['--network=host'])});
		const text = JSON.stringify({plan: out.plan, result: out.result});
		expect(text).toContain('Address: <LAN IP of this machine>');
		expect(text).not.toContain('dockerhost');
		expect(text).not.toMatch(/\bMac\b/);
	});
});

describe('step 1: the optional Twingate app on this Mac (never `twingate status`: the Mac app has no CLI)', () => {
	it('installs with brew install --cask twingate, opens it, and polls scutil --nc list until connected', async () => {
		const ctx = serverCtx({platform: 'darwin', files: {'/opt/homebrew/bin/brew': 'brew'}});
		ctx.runner.expect(
			{argv: PS, stdout: ''},
			{argv: BREW_LIST, exitCode: 1, stderr: "Error: Cask 'twingate' is not installed.\n"},
			{argv: PS, stdout: ''},
			{argv: BREW_LIST, exitCode: 1, stderr: "Error: Cask 'twingate' is not installed.\n"},
			{
				argv: ['brew', 'install', '--cask', 'twingate'],
				check: (opts) => {
					expect(opts?.interactive).toBe(true);
					ctx.vfs.virtual.set('/Applications/Twingate.app', {kind: 'dir'});
				},
			},
			{argv: ['open', '-a', 'Twingate']},
			{argv: ['pgrep', '-x', 'Twingate'], stdout: '', exitCode: 1},
			{argv: ['pgrep', '-x', 'Twingate'], stdout: '612\n'},
			{argv: ['scutil', '--nc', 'list'], stdout: `Available network connection services in the current set (*=enabled):\n${SCUTIL_CONNECTED}\n`},
			{argv: PS, stdout: ''},
			{argv: ['pgrep', '-x', 'Twingate'], stdout: '612\n'},
			{argv: ['scutil', '--nc', 'list'], stdout: SCUTIL_CONNECTED},
		);
		const out = await runThrough(twingateNetwork, ctx, {connector: 'existing', connectorConfirmed: true, resourceConfirmed: true, twingateClient: 'use'});
		ctx.runner.assertDone();
		expect(argvOf(ctx).some((a) => a[0] === 'twingate')).toBe(false);
		expect(out.result.status).toBe('ok');
		expect(out.result.details).toContain('Twingate app (optional): running, connected (scutil --nc list).');
		expect(out.events).toContainEqual(expect.objectContaining({type: 'step:progress', check: 'twingate-client', status: 'ok', message: 'Twingate is connected.'}));
		expect(JSON.stringify(out.plan?.actions)).toContain('Open Twingate.app');
	});

	it('brew list --cask twingate says it is installed but the app is gone from /Applications: reinstall, never a no-op install', async () => {
		const ctx = serverCtx({platform: 'darwin', dryRun: true, files: {'/opt/homebrew/bin/brew': 'brew'}});
		const listed = {argv: BREW_LIST, stdout: '==> Pkg\nTwingate.pkg (Pkg)\n'};
		ctx.runner.expect({argv: PS, stdout: ''}, listed, {argv: PS, stdout: ''}, listed);
		const out = await runThrough(twingateNetwork, ctx, {connector: 'existing', connectorConfirmed: true, resourceConfirmed: true, twingateClient: 'use'}, 'dry-run');
		ctx.runner.assertDone();
		expect(out.result.details).toContain('Twingate app (optional): installed with Homebrew (brew list --cask twingate), but /Applications/Twingate.app is missing.');
		const argvs = (out.plan?.actions ?? []).flatMap((a) => (a.kind === 'command' ? [a.argv] : []));
		expect(argvs).toContainEqual(['brew', 'reinstall', '--cask', 'twingate']);
		expect(argvs).not.toContainEqual(['brew', 'install', '--cask', 'twingate']);
	});

	it('the wait for the login can be skipped (--twingate-client-wait no): open -a Twingate, no polling, the check reports the state', async () => {
		const ctx = serverCtx({platform: 'darwin', files: {'/Applications/Twingate.app': {dir: true}}});
		const notRunning = {argv: ['pgrep', '-x', 'Twingate'], exitCode: 1};
		ctx.runner.expect({argv: PS, stdout: ''}, notRunning, {argv: PS, stdout: ''}, notRunning, {argv: ['open', '-a', 'Twingate']}, {argv: PS, stdout: ''}, {argv: ['pgrep', '-x', 'Twingate'], stdout: '612\n'}, {argv: ['scutil', '--nc', 'list'], stdout: ''});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'existing', connectorConfirmed: true, resourceConfirmed: true, twingateClient: 'use', twingateClientWait: false});
		ctx.runner.assertDone();
		expect(ctx.clock.slept).toBe(0);
		expect(out.result.status).toBe('warn');
		expect(out.result.details).toContain('Twingate app (optional): running, not connected (scutil --nc list).');
		expect(out.events).toContainEqual(expect.objectContaining({type: 'step:progress', check: 'twingate-client', status: 'warn', message: expect.stringContaining('Not waiting for the Twingate login')}));
	});
});

describe('step 1: skip and foreign platform', () => {
	it('skip: nothing is run', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'skip'});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('skipped');
		expect(ctx.runner.calls).toEqual([]);
	});

	it('simulated (--platform on another OS): no command, a warn that says it planned from assumptions', async () => {
		const ctx = serverCtx({platform: 'darwin', dryRun: true});
		const out = await runThrough(twingateNetwork, ctx, {simulated: true, connector: 'docker-here', alias: 'ollama.home.internal'}, 'dry-run');
		expect(ctx.runner.calls).toEqual([]);
		expect(out.result.status).toBe('warn');
		expect(out.result.summary).toContain('planned for macOS from stated assumptions');
		expect(out.plan?.actions[0]).toMatchObject({kind: 'command', argv: expect.arrayContaining(['--add-host', 'dockerhost:host-gateway'])});
	});
});
