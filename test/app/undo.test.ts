/** `undo` reverts the last run's files from its backups and runs the reversing commands. */
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {nonInteractiveAsker} from '../../source/app/asker.js';
import {Session} from '../../source/app/session.js';
import {flowUndo} from '../../source/app/undo-flow.js';
import {emptyJournal, saveJournal} from '../../source/core/journal.js';
import {wizardPaths} from '../../source/core/paths.js';
import {contentHash} from '../../source/core/owned-part.js';
import {SS_LOOPBACK} from '../server/fixtures.js';
import {makeCtx, type TestCtx} from '../support/fake-ctx.js';

async function setup(ctx: TestCtx) {
	const config = path.join(ctx.dir, 'config.json');
	const backup = `${config}.bak-20261126T000000Z`;
	const created = path.join(ctx.dir, 'override.conf');
	writeFileSync(backup, '{"old":true}\n');
	writeFileSync(config, '{"new":true}\n');
	writeFileSync(created, '[Service]\n');
	const j = emptyJournal(Date.now());
	j.runs.push({
		id: 'run1',
		at: new Date().toISOString(),
		// As the runner records them: the hash of what the wizard wrote (the files are unchanged since).
		files: [
			{path: config, backup, created: false, hash: contentHash('{"new":true}\n'), part: {json: [['new'], ['old']]}},
			{path: created, backup: null, created: true, hash: contentHash('[Service]\n'), part: null},
		],
		commands: [{argv: ['launchctl', 'setenv', 'OLLAMA_HOST', '0.0.0.0:11434'], undo: ['launchctl', 'unsetenv', 'OLLAMA_HOST']}],
		undone: false,
	});
	await saveJournal(ctx.fs, wizardPaths(ctx.env).journal, j, ctx.secrets);
	const session = new Session({ctx, answers: {}});
	await session.open();
	return {session, config, created};
}

describe('undo', () => {
	it('--dry-run shows the diff and the reversing command, and changes nothing', async () => {
		const ctx = makeCtx({dryRun: true});
		const {session, config, created} = await setup(makeCtxShare(ctx));
		const result = await flowUndo(session, nonInteractiveAsker(), {'dry-run': true});
		expect(result.exitCode).toBe(0);
		const plan = session.bus.history.find((e) => e.type === 'step:plan');
		expect(JSON.stringify(plan)).toContain('launchctl');
		expect(readFileSync(config, 'utf8')).toBe('{"new":true}\n');
		expect(existsSync(created)).toBe(true);
		ctx.runner.assertDone();
	});

	it('restores the backup, removes the created file, runs the reversing command; a second undo has nothing to do', async () => {
		const ctx = makeCtx();
		ctx.runner.expect({argv: ['launchctl', 'unsetenv', 'OLLAMA_HOST']});
		const {session, config, created} = await setup(ctx);
		const result = await flowUndo(session, nonInteractiveAsker(), {yes: true});
		expect(result.summary).toMatchObject({status: 'ok', undone: true});
		expect(readFileSync(config, 'utf8')).toBe('{"old":true}\n');
		expect(existsSync(created)).toBe(false);
		ctx.runner.assertDone();

		const again = new Session({ctx, answers: {}});
		await again.open();
		const second = await flowUndo(again, nonInteractiveAsker(), {yes: true});
		expect(second.summary).toMatchObject({undone: false});
		expect(String(second.summary.message)).toMatch(/nothing to undo/);
	});

	it('without --yes and without a terminal it asks for --yes (exit 2) and changes nothing', async () => {
		const ctx = makeCtx();
		const {session, config} = await setup(ctx);
		await expect(flowUndo(session, nonInteractiveAsker(), {})).rejects.toThrow(/confirmation needed/);
		expect(readFileSync(config, 'utf8')).toBe('{"new":true}\n');
	});
});

/** The dry-run ctx cannot write the journal, so seed it with a writable twin sharing the same folder. */
function makeCtxShare(dry: TestCtx): TestCtx {
	const writable = makeCtx();
	return {...dry, fs: {...dry.fs, writeAtomic: writable.fs.writeAtomic, mkdirp: writable.fs.mkdirp}};
}

describe('undo of the Linux drop-in', () => {
	it('removes the drop-in, then reloads systemd and restarts Ollama', async () => {
		const ctx = makeCtx();
		const dropin = '/etc/systemd/system/ollama.service.d/override.conf';
		ctx.runner.expect(
			{argv: ['sudo', 'rm', '-f', dropin]},
			{argv: ['sudo', 'systemctl', 'daemon-reload']},
			{argv: ['sudo', 'systemctl', 'restart', 'ollama']},
			// After the restart, undo waits until Ollama listens again.
			{argv: ['ss', '-ltnp', 'sport = :11434'], stdout: SS_LOOPBACK},
		);
		const j = emptyJournal(Date.now());
		j.runs.push({
			id: 'run2',
			at: new Date().toISOString(),
			files: [],
			commands: [
				{argv: ['sudo', 'tee', dropin], undo: ['sudo', 'rm', '-f', dropin]},
				{argv: ['sudo', 'systemctl', 'daemon-reload'], undo: null},
				{argv: ['sudo', 'systemctl', 'restart', 'ollama'], undo: null},
			],
			undone: false,
		});
		await saveJournal(ctx.fs, wizardPaths(ctx.env).journal, j, ctx.secrets);
		const session = new Session({ctx, answers: {}});
		await session.open();
		const result = await flowUndo(session, nonInteractiveAsker(), {yes: true});
		expect(result.summary).toMatchObject({undone: true});
		expect(ctx.runner.calls.map((c) => c.argv.join(' '))).toEqual([`sudo rm -f ${dropin}`, 'sudo systemctl daemon-reload', 'sudo systemctl restart ollama', 'ss -ltnp sport = :11434']);
		ctx.runner.assertDone();
	});
});
