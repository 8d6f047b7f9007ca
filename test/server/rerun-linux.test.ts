/**
 * Step 2 on a Linux Ollama host under systemd, run twice against a stateful host: the second identical
 * run reads the system and changes nothing (no file written, no reload, no restart), also when its check
 * ends in a warning apply cannot fix; a run after a real change runs exactly the commands that change
 * needs; and the recorded undo commands bring back the state before the run (drop-in and listener).
 */
import path from 'node:path';
import {existsSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {wizardPaths} from '../../source/core/paths.js';
import {ollamaRemoteAccess} from '../../source/steps/ollama-remote-access.js';
import {LINUX_DROPIN} from '../../source/server/detect.js';
import {systemDifferences, systemStateOf} from '../../source/server/system-state.js';
import {FakeLinuxHost, undoCommands, type LinuxHostOptions} from './fake-linux-host.js';
import {LINUX_LAN} from './fixtures.js';
import {runThrough} from './support.js';

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

const ANSWERS = {method: 'systemd', bind: '0.0.0.0:11434'};
const host = (opts: LinuxHostOptions = {}) => new FakeLinuxHost({'127.0.0.1': server.url, [LINUX_LAN]: server.url}, opts);

/** check (id, ss, is-active [, ip]) and plan (id, ss, is-active) of a run that finds nothing to do. */
const READS = (ip: boolean) => [
	['id', '-u'],
	['ss', '-ltnp', 'sport = :11434'],
	['systemctl', 'is-active', 'ollama'],
	...(ip ? [['ip', '-j', 'addr']] : []),
	['id', '-u'],
	['ss', '-ltnp', 'sport = :11434'],
	['systemctl', 'is-active', 'ollama'],
];

async function undo(h: FakeLinuxHost, commands: {undo: string[] | null}[]): Promise<void> {
	for (const [cmd, ...args] of undoCommands(commands)) {
		const r = await h.run(cmd ?? '', args);
		expect(r.exitCode, [cmd, ...args].join(' ')).toBe(0);
	}
}

describe('step 2 rerun on Linux (systemd)', () => {
	it('the reported case: no LAN address to test from; the second identical run rewrites nothing and does not restart Ollama', async () => {
		const h = host({lan: false});
		const first = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS);
		expect(first.applied).toBe(true);
		expect(h.mutations).toEqual([
			['sudo', 'install', '-D', '-m', '0644', path.join(wizardPaths(h.ctx.env).stateDir, 'staging', 'override.conf'), LINUX_DROPIN],
			['sudo', 'systemctl', 'daemon-reload'],
			['sudo', 'systemctl', 'restart', 'ollama'],
		]);
		expect(first.result).toMatchObject({status: 'warn', fixable: false});
		expect(first.result.summary).toContain('no LAN address was found to test from this machine');
		const dropIn = h.dropIn;
		const pid = h.pid;

		h.calls.length = 0;
		h.writes.length = 0;
		const second = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS);
		expect(h.calls).toEqual(READS(true));
		expect(h.mutations).toEqual([]);
		expect(h.writes).toEqual([]);
		expect(second.applied).toBe(false);
		expect(second.plan?.actions).toEqual([]);
		expect(second.plan?.notes).toContain(`${LINUX_DROPIN} already sets OLLAMA_HOST=0.0.0.0:11434 and Ollama listens there: nothing to change (no reload, no restart).`);
		expect(second.result).toMatchObject({status: 'warn', fixable: false});
		expect(second.run.commands).toEqual([]);
		expect(second.run.files).toEqual([]);
		expect(h.dropIn).toBe(dropIn);
		expect(h.pid).toBe(pid); // the same server process: its loaded models stay loaded
	});

	it('as root with a LAN address: the second run is ok and runs only the reads', async () => {
		const h = host({uid: 0});
		await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS);
		expect(h.mutations.map((a) => a[0])).toEqual(['install', 'systemctl', 'systemctl']);
		h.calls.length = 0;
		h.writes.length = 0;
		const second = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS);
		expect(second.result.status).toBe('ok');
		expect(h.calls).toEqual(READS(true));
		expect(h.writes).toEqual([]);
	});

	it('a drop-in that already says so in another spelling (unquoted, with other variables) is kept as it is', async () => {
		const dropIn = '[Service]\nEnvironment=OLLAMA_MODELS=/data OLLAMA_HOST=0.0.0.0:11434\n';
		const h = host({dropIn});
		const out = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS);
		expect(out.result.status).toBe('ok');
		expect(h.calls).toEqual(READS(true));
		expect(h.dropIn).toBe(dropIn);
	});

	it('a new bind after a real change: backup copy, install, reload, restart — and nothing else', async () => {
		const h = host();
		await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS);
		h.calls.length = 0;
		const out = await runThrough(ollamaRemoteAccess, h.ctx, {method: 'systemd', bind: `${LINUX_LAN}:11434`});
		const staging = path.join(wizardPaths(h.ctx.env).stateDir, 'staging', 'override.conf');
		const backup = `${LINUX_DROPIN}.before-wizard-20251009T085320Z`;
		expect(h.mutations).toEqual([
			['sudo', 'cp', '-p', LINUX_DROPIN, backup],
			['sudo', 'install', '-D', '-m', '0644', staging, LINUX_DROPIN],
			['sudo', 'systemctl', 'daemon-reload'],
			['sudo', 'systemctl', 'restart', 'ollama'],
		]);
		expect(out.result.status).toBe('ok');
		expect(h.listening).toBe(`${LINUX_LAN}:11434`);
		expect(h.file(backup)).toBe('[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n');
		expect(existsSync(staging)).toBe(false);
	});

	it('the drop-in is right but systemd never read it: only daemon-reload and restart; read but not restarted: only restart', async () => {
		const right = '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n';
		const notRead = host({dropIn: right, loaded: null});
		const out = await runThrough(ollamaRemoteAccess, notRead.ctx, ANSWERS);
		expect(notRead.mutations).toEqual([
			['sudo', 'systemctl', 'daemon-reload'],
			['sudo', 'systemctl', 'restart', 'ollama'],
		]);
		expect(notRead.writes).toEqual([]);
		expect(out.result.status).toBe('ok');

		const notRestarted = host({dropIn: right, listening: '127.0.0.1:11434'});
		await runThrough(ollamaRemoteAccess, notRestarted.ctx, ANSWERS);
		expect(notRestarted.mutations).toEqual([['sudo', 'systemctl', 'restart', 'ollama']]);
		expect(notRestarted.writes).toEqual([]);
		expect(notRestarted.calls).toContainEqual(['systemctl', 'show', 'ollama', '--property=NeedDaemonReload', '--value']);
	});
});

describe('undo of step 2 on Linux reverts the system, not only the file', () => {
	it('no drop-in before: undo removes it, reloads systemd and restarts Ollama, and the check finds the listener of before', async () => {
		const h = host();
		const before = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS, 'check');
		const run = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS);
		expect(h.listening).toBe('0.0.0.0:11434');
		expect(undoCommands(run.run.commands)).toEqual([
			['sudo', 'rm', '-f', LINUX_DROPIN],
			['sudo', 'systemctl', 'daemon-reload'],
			['sudo', 'systemctl', 'restart', 'ollama'],
		]);
		const changed = systemDifferences(systemStateOf(before.result) ?? {}, systemStateOf(run.result) ?? {});
		expect(changed).toEqual([
			'Ollama listens on all interfaces, port 11434 (before the run: 127.0.0.1:11434).',
			'the systemd drop-in sets OLLAMA_HOST to 0.0.0.0:11434 (before the run: nothing).',
		]);

		await undo(h, run.run.commands);
		expect(h.dropIn).toBeNull();
		const after = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS, 'check');
		expect(systemStateOf(after.result)).toEqual(systemStateOf(before.result));
		expect(systemDifferences(systemStateOf(before.result) ?? {}, systemStateOf(after.result) ?? {})).toEqual([]);
	});

	it('a user drop-in with continuation lines: undo puts it back byte for byte (as root: no sudo anywhere)', async () => {
		const mine = '# ops\n[Service]\nEnvironment="OLLAMA_MODELS=/data" \\\n  "OLLAMA_HOST=127.0.0.1:11434"\nLimitNOFILE=65535\n';
		const h = host({uid: 0, dropIn: mine});
		const before = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS, 'check');
		const run = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS);
		expect(run.result.status).toBe('ok');
		expect(h.dropIn).toBe(`${mine.replace('LimitNOFILE=65535\n', 'LimitNOFILE=65535\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n')}`);
		const backup = `${LINUX_DROPIN}.before-wizard-20251009T085320Z`;
		expect(undoCommands(run.run.commands)).toEqual([
			['mv', backup, LINUX_DROPIN],
			['systemctl', 'daemon-reload'],
			['systemctl', 'restart', 'ollama'],
		]);
		await undo(h, run.run.commands);
		expect(h.dropIn).toBe(mine);
		expect(h.file(backup)).toBeNull();
		expect(h.listening).toBe('127.0.0.1:11434');
		const after = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS, 'check');
		expect(systemStateOf(after.result)).toEqual(systemStateOf(before.result));
	});
});

describe('a drop-in the wizard cannot read as systemd does', () => {
	it('is refused with the line named; nothing is written or run', async () => {
		const broken = '[Service\nEnvironment="OLLAMA_HOST=127.0.0.1:11434"\n';
		const h = host({dropIn: broken, listening: '127.0.0.1:11434'});
		const out = await runThrough(ollamaRemoteAccess, h.ctx, ANSWERS);
		expect(out.result).toMatchObject({status: 'fail', cause: 'dropin-invalid', fixable: false});
		expect(out.result.summary).toContain(`Line 1 of ${LINUX_DROPIN} ("[Service") is not a valid section header`);
		expect(out.applied).toBe(false);
		expect(out.plan?.actions.map((a) => a.kind)).toEqual(['manual']);
		expect(h.mutations).toEqual([]);
		expect(h.writes).toEqual([]);
		expect(h.dropIn).toBe(broken);
	});
});
