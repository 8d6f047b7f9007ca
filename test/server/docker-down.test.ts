/**
 * Server role, Connector in Docker on this machine, with the docker CLI present but its daemon not
 * running (Docker Desktop closed): with a person at the terminal this is a failed check with its Fix,
 * never an exit 2 demanding --twingate-network; retrying after Docker started asks what is then needed
 * (network name, tokens) and starts the Connector.
 */
import {describe, expect, it} from 'vitest';
import type {Asker, TextQuestion} from '../../source/app/asker.js';
import {runSetupStep} from '../../source/app/flows.js';
import {Session} from '../../source/app/session.js';
import {twingateNetwork} from '../../source/steps/twingate-network.js';
import {DOCKER_CONNECTOR_UP} from './fixtures.js';
import {serverCtx} from './support.js';

const PS = ['docker', 'ps', '-a', '--format', '{{json .}}'];
const DOCKER_RUN = ['docker', 'run', '-d', '--env', 'TWINGATE_NETWORK=acme', '--env', 'TWINGATE_ACCESS_TOKEN', '--env', 'TWINGATE_REFRESH_TOKEN', '--env', 'TWINGATE_LABEL_DEPLOYED_BY=docker', '--sysctl', 'net.ipv4.ping_group_range=0 2147483647', '--name', 'twingate-connector', '--restart=unless-stopped', '--pull=always', '--add-host', 'dockerhost:host-gateway', 'twingate/connector:1'];
const DOWN = 'Cannot connect to the Docker daemon at unix:///Users/me/.docker/run/docker.sock. Is the docker daemon running?';
const ACCESS = 'at-docker-down-access-secret';
const REFRESH = 'rt-docker-down-refresh-secret';

function person(answers: Record<string, string | boolean>, texts: TextQuestion[]): Asker {
	return {
		interactive: true,
		async text(q) {
			texts.push(q);
			const a = answers[q.flag];
			if (typeof a !== 'string') throw new Error(`unexpected question ${q.flag}`);
			return a;
		},
		async select(q) {
			const a = answers[q.flag];
			if (typeof a !== 'string') throw new Error(`unexpected question ${q.flag}`);
			return a as never;
		},
		async confirm(q) {
			const a = answers[q.flag];
			if (typeof a !== 'boolean') throw new Error(`unexpected question ${q.flag}`);
			return a;
		},
		async note() {},
	};
}

describe('step 1 with Docker installed but not running', () => {
	it('fails with the Fix "start Docker" (no usage error); after Docker starts, a retry asks the network and tokens and starts the Connector', async () => {
		const ctx = serverCtx({platform: 'darwin'});
		// Docker down for the interview, the check and the plan; then up for the retry.
		ctx.runner.expect(
			{argv: PS, exitCode: 1, stderr: `${DOWN}\n`},
			{argv: PS, exitCode: 1, stderr: `${DOWN}\n`},
			{argv: PS, exitCode: 1, stderr: `${DOWN}\n`},
		);
		const session = new Session({ctx, answers: {connector: 'docker-here', alias: 'ollama.home.internal', resourceConfirmed: true, twingateClient: 'skip'}, role: 'server'});
		await session.open();
		const texts: TextQuestion[] = [];
		const asker = person({'--twingate-network': 'acme', 'TWINGATE_ACCESS_TOKEN in the environment': ACCESS, 'TWINGATE_REFRESH_TOKEN in the environment': REFRESH}, texts);
		const first = await runSetupStep(session, asker, twingateNetwork, 'apply', {yes: true});
		expect(first.result.status).toBe('fail');
		expect(first.result.summary).toContain('Docker does not answer');
		expect(first.result.remediation?.text).toMatch(/Start Docker Desktop \(open -a Docker\).*retry this step/);
		expect(first.plan?.actions[0]).toMatchObject({kind: 'manual', why: 'Start Docker first'});
		expect(first.plan?.actions.every((a) => a.kind === 'manual')).toBe(true); // nothing runs
		expect(texts).toEqual([]); // nothing asked yet: nothing can be done before Docker runs

		// The user starts Docker Desktop and retries (r): the interview runs again and asks what is now needed.
		ctx.runner.expect(
			{argv: PS, stdout: ''},
			{argv: PS, stdout: ''},
			{argv: PS, stdout: ''},
			{argv: DOCKER_RUN, stdout: 'f3c2a1b0e9d8\n'},
			{argv: PS, stdout: `${DOCKER_CONNECTOR_UP}\n`},
		);
		const second = await runSetupStep(session, asker, twingateNetwork, 'apply', {yes: true});
		expect(second.result.status).toBe('ok');
		ctx.runner.assertDone();
		expect(texts.map((q) => q.flag)).toEqual(['--twingate-network', 'TWINGATE_ACCESS_TOKEN in the environment', 'TWINGATE_REFRESH_TOKEN in the environment']);
		expect(texts.filter((q) => q.flag.startsWith('TWINGATE_')).every((q) => q.secret)).toBe(true);
	});
});
