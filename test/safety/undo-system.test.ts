/**
 * Rerun and undo are judged by the system's state, through the real flows (command-line parsing, the
 * session and its journal, the setup step runner with --yes, flowUndo) against a stateful Linux host
 * under systemd: `setup --role server --method systemd --bind 0.0.0.0:11434 --yes` twice, then `undo
 * --yes` twice. Each CLI invocation is a new Session over the same state folder and a later clock, so
 * every run has its own id and reads what the one before it saved.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {contentHash} from '../../source/core/owned-part.js';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import {answersFromOptions, runSetupStep, type FlowResult} from '../../source/app/flows.js';
import {Session} from '../../source/app/session.js';
import {flowUndo} from '../../source/app/undo-flow.js';
import {parseCommandLine} from '../../source/cli/args.js';
import type {Journal} from '../../source/core/journal.js';
import {wizardPaths} from '../../source/core/paths.js';
import type {StepOutcome} from '../../source/core/runner.js';
import {LINUX_DROPIN} from '../../source/server/detect.js';
import {systemDifferences} from '../../source/server/system-state.js';
import {ollamaRemoteAccess} from '../../source/steps/ollama-remote-access.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {FakeLinuxHost, type LinuxHostOptions} from '../server/fake-linux-host.js';
import {LINUX_LAN} from '../server/fixtures.js';

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

const SETUP = ['setup', '--role', 'server', '--method', 'systemd', '--bind', '0.0.0.0:11434', '--yes'];
const WIZARD_DROPIN = '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n';

const host = (opts: LinuxHostOptions = {}) => new FakeLinuxHost({'127.0.0.1': server.url, [LINUX_LAN]: server.url}, opts);

/** A new CLI invocation: a later clock (its own run id), a fresh Session that reads the journal from disk. */
async function openSession(h: FakeLinuxHost, argv: string[]): Promise<{session: Session; options: ReturnType<typeof parseCommandLine>['options']}> {
	await h.ctx.clock.sleep(60_000);
	const {command, options} = parseCommandLine(argv);
	const session = new Session({ctx: h.ctx, answers: answersFromOptions(options), role: options.role, lock: true, command});
	await session.open();
	return {session, options};
}

/** `setup …` as the CLI runs it for step 2 (interview, confirm through --yes, apply, verify, journal). */
async function setup(h: FakeLinuxHost): Promise<{outcome: StepOutcome; session: Session}> {
	const {session, options} = await openSession(h, SETUP);
	try {
		const outcome = await runSetupStep(session, nonInteractiveAsker(), ollamaRemoteAccess, 'apply', options);
		return {outcome, session};
	} finally {
		await session.close();
	}
}

async function undo(h: FakeLinuxHost): Promise<FlowResult & {session: Session}> {
	const {session, options} = await openSession(h, ['undo', '--yes']);
	try {
		return {...(await flowUndo(session, nonInteractiveAsker(), options)), session};
	} finally {
		await session.close();
	}
}

const journalOf = (h: FakeLinuxHost): Journal => JSON.parse(readFileSync(wizardPaths(h.ctx.env).journal, 'utf8')) as Journal;
const staging = (h: FakeLinuxHost) => path.join(wizardPaths(h.ctx.env).stateDir, 'staging', 'override.conf');
/** Files written other than the wizard's own journal. */
const writesBesidesJournal = (h: FakeLinuxHost) => h.writes.filter((p) => p !== wizardPaths(h.ctx.env).journal);

function reset(h: FakeLinuxHost): void {
	h.calls.length = 0;
	h.writes.length = 0;
}

describe('setup twice, then undo, on a Linux Ollama host under systemd', () => {
	it('the reported case (no LAN address to test from): the rerun changes nothing, undo reverts the system, a second undo has nothing to do', async () => {
		const h = host({lan: false});
		expect(h.listening).toBe('127.0.0.1:11434');

		// 1. The first run installs the drop-in through the planned commands, reloads systemd, restarts Ollama.
		const first = await setup(h);
		expect(first.outcome.applied).toBe(true);
		expect(first.outcome.result).toMatchObject({status: 'warn', fixable: false});
		expect(first.outcome.result.summary).toContain('no LAN address was found to test from this machine');
		expect(h.mutations).toEqual([
			['sudo', 'install', '-D', '-m', '0644', staging(h), LINUX_DROPIN],
			['sudo', 'systemctl', 'daemon-reload'],
			['sudo', 'systemctl', 'restart', 'ollama'],
		]);
		// The drop-in is staged in the state folder (the only file written besides the journal), then removed.
		expect(writesBesidesJournal(h)).toEqual([staging(h)]);
		expect(existsSync(staging(h))).toBe(false);
		expect(h.dropIn).toBe(WIZARD_DROPIN);
		expect(h.loaded).toBe(WIZARD_DROPIN);
		expect(h.listening).toBe('0.0.0.0:11434');
		const firstRun = first.session.run;
		let journal = journalOf(h);
		expect(journal.runs.map((r) => r.id)).toEqual([firstRun.id]);
		expect(journal.runs[0]?.command).toBe('setup');
		expect(journal.runs[0]?.commands).toEqual([
			// The guard: undo reverses the install only while the drop-in still holds what the wizard installed.
			{argv: ['sudo', 'install', '-D', '-m', '0644', staging(h), LINUX_DROPIN], undo: ['sudo', 'rm', '-f', LINUX_DROPIN], step: 'ollama-remote-access', guard: {path: LINUX_DROPIN, hash: contentHash('[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n')}},
			{argv: ['sudo', 'systemctl', 'daemon-reload'], undo: null, step: 'ollama-remote-access'},
			{argv: ['sudo', 'systemctl', 'restart', 'ollama'], undo: null, step: 'ollama-remote-access'},
		]);
		// What undo must find again: the check before the run.
		expect(journal.runs[0]?.before?.['ollama-remote-access']).toMatchObject({status: 'fail', system: {listen: '127.0.0.1:11434', dropInOllamaHost: null}});
		const pid = h.pid;

		// 2. The second identical run reads the system and changes nothing.
		reset(h);
		const second = await setup(h);
		expect(second.outcome.applied).toBe(false);
		expect(second.outcome.result).toMatchObject({status: 'warn', fixable: false});
		expect(second.outcome.plan?.actions).toEqual([]);
		expect(h.mutations).toEqual([]);
		expect(h.calls.every((argv) => argv[0] !== 'sudo')).toBe(true);
		expect(writesBesidesJournal(h)).toEqual([]);
		expect(second.session.run.commands).toEqual([]);
		expect(second.session.run.files).toEqual([]);
		expect(h.dropIn).toBe(WIZARD_DROPIN);
		expect(h.pid).toBe(pid); // the same server process: its loaded models stay loaded
		journal = journalOf(h);
		expect(journal.runs.map((r) => r.id)).toEqual([firstRun.id]);
		expect(journal.runs[0]?.undone).toBe(false);

		// 3. undo --yes reverts the first run: drop-in removed, systemd reloaded, Ollama restarted.
		reset(h);
		const undone = await undo(h);
		expect(h.mutations).toEqual([
			['sudo', 'rm', '-f', LINUX_DROPIN],
			['sudo', 'systemctl', 'daemon-reload'],
			['sudo', 'systemctl', 'restart', 'ollama'],
		]);
		expect(h.dropIn).toBeNull();
		expect(h.loaded).toBeNull();
		expect(h.listening).toBe('127.0.0.1:11434');
		expect(h.pid).toBe(pid + 1);
		expect(undone.exitCode).toBe(0);
		expect(undone.summary).toMatchObject({status: 'ok', undone: true, run: firstRun.id, kept: []});
		// Loopback only before the run and after undo: the check fails the same way both times.
		expect(undone.summary.rechecked).toEqual([{step: 'ollama-remote-access', before: 'fail', now: 'fail', differs: false}]);
		const message = String(undone.summary.message);
		expect(message).toContain(`Reverted the changes of run ${firstRun.id}.`);
		expect(message).toContain(`Step 2 is back to its state before run ${firstRun.id}: `);
		expect(message).toContain('127.0.0.1:11434');
		expect(message).not.toContain('is not as it was before run');
		journal = journalOf(h);
		expect(journal.runs.map((r) => [r.id, r.undone])).toEqual([[firstRun.id, true]]);

		// 4. A second undo has nothing to undo and runs nothing.
		reset(h);
		const again = await undo(h);
		expect(again.exitCode).toBe(0);
		expect(again.summary).toMatchObject({status: 'ok', undone: false});
		expect(String(again.summary.message)).toBe('There is nothing to undo: no run recorded in the journal changed anything that is not already undone.');
		expect(h.mutations).toEqual([]);
		expect(writesBesidesJournal(h)).toEqual([]);
		expect(h.listening).toBe('127.0.0.1:11434');
	});

	it('a drop-in of the user before the run (another address, an unrelated variable): undo puts it back byte for byte and Ollama listens on that address again', async () => {
		const mine = `[Service]\nEnvironment="OLLAMA_HOST=${LINUX_LAN}:11434"\nEnvironment=OLLAMA_KEEP_ALIVE=5m\n`;
		const h = host({dropIn: mine});
		expect(h.listening).toBe(`${LINUX_LAN}:11434`);

		const first = await setup(h);
		expect(first.outcome.applied).toBe(true);
		expect(first.outcome.result.status).toBe('ok');
		const backup = first.session.run.commands.find((c) => c.argv.includes('cp'))?.argv.at(-1) ?? '';
		expect(backup).toMatch(new RegExp(`^${LINUX_DROPIN.replace(/\./g, '\\.')}\\.before-wizard-\\d{8}T\\d{6}Z$`));
		expect(h.mutations).toEqual([
			['sudo', 'cp', '-p', LINUX_DROPIN, backup],
			['sudo', 'install', '-D', '-m', '0644', staging(h), LINUX_DROPIN],
			['sudo', 'systemctl', 'daemon-reload'],
			['sudo', 'systemctl', 'restart', 'ollama'],
		]);
		// The wizard's drop-in keeps the unrelated variable and sets the new address.
		expect(h.dropIn).toBe('[Service]\nEnvironment=OLLAMA_KEEP_ALIVE=5m\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n');
		expect(h.listening).toBe('0.0.0.0:11434');
		expect(h.file(backup)).toBe(mine);
		expect(journalOf(h).runs[0]?.before?.['ollama-remote-access']?.system).toEqual({listen: `${LINUX_LAN}:11434`, dropInOllamaHost: `${LINUX_LAN}:11434`});

		reset(h);
		const undone = await undo(h);
		expect(h.mutations).toEqual([
			['sudo', 'mv', backup, LINUX_DROPIN],
			['sudo', 'systemctl', 'daemon-reload'],
			['sudo', 'systemctl', 'restart', 'ollama'],
		]);
		expect(h.dropIn).toBe(mine);
		expect(h.file(backup)).toBeNull();
		expect(h.listening).toBe(`${LINUX_LAN}:11434`);
		expect(undone.exitCode).toBe(0);
		expect(undone.summary).toMatchObject({status: 'ok', undone: true, run: first.session.run.id});
		// One LAN address where 0.0.0.0 is asked for: the same warning before the run and after undo.
		expect(undone.summary.rechecked).toEqual([{step: 'ollama-remote-access', before: 'warn', now: 'warn', differs: false}]);
		expect(String(undone.summary.message)).toContain(`Step 2 is back to its state before run ${first.session.run.id}: `);
	});

	it('something else changed the listener since the run: undo keeps that change, says what is still different, exit 1', async () => {
		const h = host();
		const first = await setup(h);
		expect(first.outcome.applied).toBe(true);
		expect(h.listening).toBe('0.0.0.0:11434');

		// Since the run, someone else points Ollama at the LAN address (not through the wizard) and restarts it.
		const theirs = `[Service]\nEnvironment="OLLAMA_HOST=${LINUX_LAN}:11434"\n`;
		h.ctx.vfs.virtual.set(LINUX_DROPIN, {kind: 'file', content: theirs, mode: 0o644});
		for (const argv of [['systemctl', 'daemon-reload'], ['systemctl', 'restart', 'ollama']]) {
			expect((await h.run('sudo', argv)).exitCode).toBe(0);
		}
		expect(h.listening).toBe(`${LINUX_LAN}:11434`);

		const before = journalOf(h).runs[0]?.before?.['ollama-remote-access']?.system ?? {};
		expect(before).toEqual({listen: '127.0.0.1:11434', dropInOllamaHost: null});
		const differences = systemDifferences(before, {listen: `${LINUX_LAN}:11434`, dropInOllamaHost: `${LINUX_LAN}:11434`});
		expect(differences).toEqual([
			`Ollama listens on ${LINUX_LAN}:11434 (before the run: 127.0.0.1:11434).`,
			`the systemd drop-in sets OLLAMA_HOST to ${LINUX_LAN}:11434 (before the run: nothing).`,
		]);

		reset(h);
		const undone = await undo(h);
		// The drop-in the wizard installed is no longer there: removing the one in its place would destroy
		// a change made since, so it stays, and so does the listener.
		expect.soft(h.mutations.filter((argv) => argv.includes('rm'))).toEqual([]);
		expect.soft(h.dropIn).toBe(theirs);
		expect.soft(h.listening).toBe(`${LINUX_LAN}:11434`);
		const message = String(undone.summary.message);
		expect.soft(message).toContain(`Step 2 is not as it was before run ${first.session.run.id}: ${differences.join(' ')}`);
		expect.soft(message).not.toContain('Later run');
		expect.soft(undone.summary).toMatchObject({status: 'fail'});
		expect.soft(undone.summary.rechecked).toEqual([expect.objectContaining({step: 'ollama-remote-access', differs: true})]);
		expect.soft(undone.exitCode).toBe(1);
	});
});
