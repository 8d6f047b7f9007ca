/**
 * Step 1 run again where the Connector already runs: the container or the twingate-connector service
 * is found and left alone (no docker run / start / setup.sh, no restart), whatever the check's
 * warning about the Resource checklist; and the check reports what undo compares (data.system).
 */
import {describe, expect, it} from 'vitest';
import {twingateNetwork} from '../../source/steps/twingate-network.js';
import {systemDifferences, systemStateOf} from '../../source/server/system-state.js';
import {DOCKER_CONNECTOR_UP, IP_J_ADDR, dockerLine} from './fixtures.js';
import {argvOf, runThrough, serverCtx} from './support.js';

const PS = ['docker', 'ps', '-a', '--format', '{{json .}}'];
const IS_ACTIVE = ['systemctl', 'is-active', 'twingate-connector'];

describe('step 1 rerun: the Connector already runs', () => {
	it('docker-here on Linux: a running twingate-connector container is not restarted (only docker ps and is-active run)', async () => {
		const ctx = serverCtx({platform: 'linux'});
		const reads = [
			{argv: PS, stdout: `${DOCKER_CONNECTOR_UP}\n`},
			{argv: IS_ACTIVE, stdout: 'inactive\n', exitCode: 3},
		];
		ctx.runner.expect(...reads, ...reads);
		const answers = {connector: 'docker-here', twingateNetwork: 'acme', alias: 'ollama.home.internal', resourceConfirmed: true};
		const out = await runThrough(twingateNetwork, ctx, answers);
		ctx.runner.assertDone();
		expect(argvOf(ctx)).toEqual([PS, IS_ACTIVE, PS, IS_ACTIVE]);
		expect(out.result.status).toBe('ok');
		expect(out.applied).toBe(false);
		expect(out.run.commands).toEqual([]);
		expect(systemStateOf(out.result)).toEqual({connectorContainers: 'twingate-connector', connectorService: 'inactive'});
	});

	it('systemd-here: an active service is left alone even while the Resource is not confirmed yet (the warning has only manual steps)', async () => {
		const ctx = serverCtx({platform: 'linux'});
		const reads = [
			{argv: PS, notFound: true},
			{argv: IS_ACTIVE, stdout: 'active\n'},
		];
		ctx.runner.expect(...reads, ...reads, {argv: ['ip', '-j', 'addr'], stdout: IP_J_ADDR});
		const out = await runThrough(twingateNetwork, ctx, {connector: 'systemd-here', twingateNetwork: 'acme', alias: 'ollama.home.internal'});
		ctx.runner.assertDone();
		expect(out.result.status).toBe('warn');
		expect(out.applied).toBe(false);
		expect(out.plan?.actions.every((a) => a.kind === 'manual')).toBe(true);
		expect(argvOf(ctx).some((a) => a.includes('start') || a.includes('restart') || a[0] === 'bash')).toBe(false);
		expect(systemStateOf(out.result)).toEqual({connectorContainers: null, connectorService: 'active'});
	});

	it('undo compares data.system: a container the run started is named as still running; once stopped again, nothing differs', async () => {
		const ctx = serverCtx({platform: 'linux'});
		const stopped = dockerLine({ID: 'a1b2c3d4e5f6', Image: 'twingate/connector:1', Names: 'twingate-connector', State: 'exited', Status: 'Exited (0) 1 minute ago'});
		ctx.runner.expect({argv: PS, stdout: `${DOCKER_CONNECTOR_UP}\n`}, {argv: IS_ACTIVE, stdout: 'inactive\n', exitCode: 3}, {argv: PS, stdout: ''}, {argv: IS_ACTIVE, stdout: 'inactive\n', exitCode: 3}, {argv: PS, stdout: `${stopped}\n`}, {argv: IS_ACTIVE, stdout: 'inactive\n', exitCode: 3});
		const answers = {connector: 'docker-here', resourceConfirmed: true};
		const during = await runThrough(twingateNetwork, ctx, answers, 'check');
		const before = await runThrough(twingateNetwork, ctx, answers, 'check');
		const stoppedOnly = await runThrough(twingateNetwork, ctx, answers, 'check');
		ctx.runner.assertDone();
		const was = systemStateOf(before.result) ?? {};
		expect(systemDifferences(was, systemStateOf(during.result) ?? {})).toEqual(['Connector containers running: twingate-connector (before the run: nothing).']);
		expect(systemDifferences(was, systemStateOf(stoppedOnly.result) ?? {})).toEqual([]);
	});
});
