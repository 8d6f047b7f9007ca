/**
 * `undo`: revert the last run's file changes from the journal's backups (diff shown first), and run
 * the commands that reverse its system changes (e.g. `launchctl unsetenv OLLAMA_HOST`) after
 * confirmation. A second undo says there is nothing to undo.
 */
import {SCHEMA_VERSION} from '../core/events.js';
import {EXIT} from '../core/exit-codes.js';
import {StepFailure} from '../core/runner.js';
import type {Plan, PlannedAction, Step} from '../core/types.js';
import type {Options} from '../cli/args.js';
import type {Asker} from './asker.js';
import {confirmWith, type FlowResult} from './flows.js';
import type {Session} from './session.js';

export async function undoPlan(session: Session): Promise<{plan: Plan; runId: string} | null> {
	const runs = session.journal?.runs ?? [];
	const run = [...runs].reverse().find((r) => !r.undone && (r.files.length > 0 || r.commands.some((c) => c.undo)));
	if (!run) return null;
	const actions: PlannedAction[] = [];
	for (const change of [...run.files].reverse()) {
		const current = await session.ctx.fs.readText(change.path);
		if (change.created) {
			if (current !== null) actions.push({kind: 'file', path: change.path, why: 'created by the wizard: remove it', before: current, after: '', mode: undefined});
		} else if (change.backup) {
			const old = await session.ctx.fs.readText(change.backup);
			if (old === null) {
				actions.push({kind: 'manual', why: `cannot restore ${change.path}`, text: `The backup ${change.backup} is gone; restore the file by hand.`});
			} else if (old !== current) {
				actions.push({kind: 'file', path: change.path, why: `restore the backup ${change.backup}`, before: current, after: old});
			}
		}
	}
	// Reverse order: the newest change is undone first (e.g. bootout the agent, then reopen the app).
	let touchedSystemd: string[] | null = null;
	for (const c of [...run.commands].reverse()) {
		if (!c.undo) continue;
		actions.push({kind: 'command', argv: c.undo, why: `reverses: ${c.argv.join(' ')}`, interactive: c.undo[0] === 'sudo'});
		if (c.undo.some((a) => a.startsWith('/etc/systemd/system/'))) touchedSystemd = c.undo[0] === 'sudo' ? ['sudo'] : [];
	}
	// A removed or restored drop-in only takes effect after a reload and a restart (ollama.md §5.4).
	if (touchedSystemd) {
		actions.push({kind: 'command', argv: [...touchedSystemd, 'systemctl', 'daemon-reload'], why: 'make systemd read the units again', interactive: touchedSystemd.length > 0});
		actions.push({kind: 'command', argv: [...touchedSystemd, 'systemctl', 'restart', 'ollama'], why: 'restart Ollama with its previous settings', interactive: touchedSystemd.length > 0});
	}
	return {plan: {actions, inputs: {run: run.id}}, runId: run.id};
}

export async function flowUndo(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	const found = await undoPlan(session);
	const summaryBase = {schemaVersion: SCHEMA_VERSION, type: 'summary', command: 'undo'};
	if (!found || found.plan.actions.length === 0) {
		const message = 'There is nothing to undo: no run recorded in the journal changed anything that is not already undone.';
		session.bus.emit({type: 'warning', message});
		return {exitCode: EXIT.ok, summary: {...summaryBase, status: 'ok', message, undone: false}};
	}
	const {plan, runId} = found;
	let commandsRan = !plan.actions.some((a) => a.kind === 'command');
	const created = new Set(((session.journal?.runs ?? []).find((r) => r.id === runId)?.files ?? []).filter((f) => f.created).map((f) => f.path));
	// Undo is itself a step-shaped action so it gets the same plan display, confirmation and --dry-run.
	const undoStep: Step = {
		// Not one of the six steps: its own id, so no output calls it "step 6".
		id: 'undo' as Step['id'],
		number: 0,
		title: 'Undo the last run',
		roles: ['client', 'server'],
		dependsOn: [],
		available: true,
		async check(ctx) {
			// Done when every file is back to its backup (or removed); commands are judged by their exit codes.
			const pending: string[] = [];
			for (const a of plan.actions) {
				if (a.kind !== 'file') continue;
				const now = await ctx.fs.readText(a.path);
				const done = created.has(a.path) && a.after === '' ? now === null : now === a.after;
				if (!done) pending.push(a.path);
			}
			if (pending.length === 0 && commandsRan) return {status: 'ok', summary: `The changes of run ${runId} are reverted.`, details: []};
			// warn, not fail: nothing is broken, there is something to undo.
			return {status: 'warn', summary: `Run ${runId} changed ${pending.length} file(s) that can be restored${plan.actions.some((a) => a.kind === 'command') ? ' and ran commands that can be reversed' : ''}.`, details: pending};
		},
		async plan() {
			return plan;
		},
		async apply(ctx) {
			for (const a of plan.actions) {
				if (a.kind === 'file') {
					if (created.has(a.path) && a.after === '') await ctx.fs.remove(a.path);
					else await ctx.fs.writeAtomic(a.path, a.after, {backup: true});
				} else if (a.kind === 'command') {
					const [cmd, ...args] = a.argv;
					const r = await ctx.run(cmd ?? '', args, {interactive: a.interactive});
					if (r.exitCode !== 0) throw new StepFailure(`The command ${a.argv.join(' ')} failed (exit ${r.exitCode ?? 'none'}).`, [r.stderr.trim()].filter(Boolean));
				}
			}
			commandsRan = true;
		},
	};
	const mode = options['dry-run'] ? 'dry-run' : 'apply';
	const {runStep} = await import('../core/runner.js');
	let applied = false;
	let failure: string | null = null;
	const outcome = await runStep(undoStep, session.ctx, {
		mode,
		answers: {},
		bus: session.bus,
		confirm: confirmWith(asker, options),
		// The verify check after apply: the files now match their backups.
		checkTimeoutMs: 30_000,
	}).catch((error: unknown) => {
		if (error && typeof error === 'object' && 'exitCode' in error) throw error; // usage / cancel → the CLI's exit code
		failure = (error as Error).message;
		return null;
	});
	if (outcome?.applied && outcome.result.status === 'ok') {
		applied = true;
		const run = session.journal?.runs.find((r) => r.id === runId);
		if (run) run.undone = true;
		session.touchRun(runId);
		await session.save();
	}
	const ok = mode === 'dry-run' || applied;
	return {
		exitCode: ok ? EXIT.ok : EXIT.failed,
		summary: {
			...summaryBase,
			status: ok ? 'ok' : 'fail',
			run: runId,
			undone: applied,
			dryRun: mode === 'dry-run',
			message: failure ?? (applied ? `Reverted the changes of run ${runId}.` : mode === 'dry-run' ? 'Dry run: nothing was changed.' : (outcome?.result.summary ?? 'Not undone.')),
		},
	};
}
