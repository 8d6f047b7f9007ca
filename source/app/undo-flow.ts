/**
 * `undo`: reverts one recorded run (default the newest not yet undone; `--run ID`; `--list` shows them).
 *
 * Files are judged by content, never blindly: a file whose content is still exactly what the wizard
 * wrote (same sha256) is restored from its backup, or removed when the wizard created it (after a
 * backup copy). A file changed since — by the user, or by AIlice, which rewrites its config on every
 * start — only loses the wizard's own part (the JSON keys or .env variables the run changed, put back
 * as they were), when that is a clean edit; otherwise it is kept, undo says so and exits 1.
 * Commands that changed the system are reversed (systemd is reloaded and Ollama restarted after a
 * drop-in is removed), and then each step the run touched is checked again and compared with what
 * its check said before the run.
 */
import {modify, applyEdits} from 'jsonc-parser';
import {mergeDotenv, envEntries, envHeaderIndex, hasEnvHeader} from '../ailice/dotenv.js';
import {detectFormatting, isPlainObject, setJsonValue} from '../ailice/json.js';
import {EventBus, SCHEMA_VERSION} from '../core/events.js';
import {exitCodeFor} from '../core/exit-codes.js';
import {timestamp} from '../core/files.js';
import type {JournalFileChange, JournalRun} from '../core/journal.js';
import {contentHash} from '../core/owned-part.js';
import {runStep, StepFailure} from '../core/runner.js';
import {settleAfterUndo} from '../server/execute.js';
import {systemDifferences, systemStateOf, type SystemState} from '../server/system-state.js';
import type {Ctx} from '../core/context.js';
import type {Plan, PlannedAction, Step} from '../core/types.js';
import type {Options} from '../cli/args.js';
import type {Asker} from './asker.js';
import {confirmWith, type FlowResult} from './flows.js';
import type {Session} from './session.js';
import {count} from '../core/words.js';

function valueAt(doc: unknown, at: (string | number)[]): {found: boolean; value?: unknown} {
	let cur: unknown = doc;
	for (const key of at) {
		if (Array.isArray(cur) && typeof key === 'number' && key < cur.length) cur = cur[key];
		else if (isPlainObject(cur) && typeof key === 'string' && Object.hasOwn(cur, key)) cur = cur[key];
		else return {found: false};
	}
	return {found: true, value: cur};
}

/** Takes the wizard's part out of a JSON text: each recorded key back to its value in `base` (or removed). */
export function revertJsonPart(current: string, base: unknown, paths: (string | number)[][], containers: (string | number)[][] = []): string | null {
	try {
		JSON.parse(current);
	} catch {
		return null; // not valid JSON now: no clean edit
	}
	let text = current;
	const formatting = detectFormatting(current);
	// Deepest first, so removing a child never trips over its removed parent.
	for (const at of [...paths].sort((a, b) => b.length - a.length)) {
		const was = valueAt(base, at);
		if (was.found) text = setJsonValue(text, at, was.value, formatting);
		else if (valueAt(JSON.parse(text), at).found) text = applyEdits(text, modify(text, at, undefined, {formattingOptions: formatting ?? undefined}));
	}
	// Then each object the wizard added that is empty again (one the user filled since stays).
	for (const at of [...containers].sort((a, b) => b.length - a.length)) {
		if (valueAt(base, at).found) continue;
		const now = valueAt(JSON.parse(text), at);
		if (now.found && isPlainObject(now.value) && Object.keys(now.value).length === 0) text = applyEdits(text, modify(text, at, undefined, {formattingOptions: formatting ?? undefined}));
	}
	try {
		JSON.parse(text);
	} catch {
		return null;
	}
	return text;
}

/** Takes the wizard's .env variables out: each back to its value in `base` (or removed). */
export function revertEnvPart(current: string, base: string | null, keys: string[]): string {
	const was = new Map(envEntries(base ?? '').map((e) => [e.key, e.value]));
	const set: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
	for (const k of keys) set[k] = was.get(k) ?? null;
	let text = mergeDotenv(current, set).text;
	// The wizard's own comment line goes too when none of its variables is left.
	if (base === null || !hasEnvHeader(base)) {
		const lines = text.split('\n');
		const i = envHeaderIndex(lines);
		if (i >= 0 && !keys.some((k) => envEntries(text).some((e) => e.key === k))) {
			lines.splice(i, 1);
			if (i > 0 && lines[i - 1] === '' && (lines[i] === undefined || lines[i] === '')) lines.splice(i - 1, 1);
			text = lines.join('\n');
		}
	}
	return text;
}

type FilePlan =
	| {kind: 'restore'; change: JournalFileChange; current: string; after: string; why: string}
	| {kind: 'remove'; change: JournalFileChange; current: string; why: string}
	/** `harmless`: nothing of the wizard's is left there (the file is gone), so undo still succeeds. */
	| {kind: 'keep'; change: JournalFileChange; why: string; harmless?: boolean};

async function planFile(ctx: Ctx, change: JournalFileChange): Promise<FilePlan | null> {
	const current = await ctx.fs.readText(change.path).catch(() => undefined);
	if (current === undefined) return {kind: 'keep', change, why: `${change.path} cannot be read now, so it was left as it is.`};
	if (current === null) {
		return change.created ? null : {kind: 'keep', change, why: `${change.path} was removed since this run; undo leaves it removed.`, harmless: true};
	}
	const base = change.backup ? await ctx.fs.readText(change.backup).catch(() => null) : null;
	if (!change.created && change.backup && base === null) return {kind: 'keep', change, why: `${change.path} was kept: its backup ${change.backup} is gone; restore the file by hand.`};
	const unchangedSince = change.hash ? contentHash(current) === change.hash : false;
	if (unchangedSince) {
		if (change.created) return {kind: 'remove', change, current, why: 'created by the wizard and unchanged since: remove it (a backup copy is kept)'};
		if (base === current) return null;
		return {kind: 'restore', change, current, after: base ?? '', why: `unchanged since the wizard wrote it: restore the backup ${change.backup}`};
	}
	// Changed since the run (or recorded by an older version without a hash): only a clean edit of the wizard's own part.
	const part = change.part;
	if (!change.hash || !part) {
		return {kind: 'keep', change, why: `${change.path} changed since this run and the wizard cannot tell its own part apart, so it was kept${change.backup ? `; the content before the run is in ${change.backup}` : ''}.`};
	}
	if ('json' in part) {
		let baseDoc: unknown = {};
		try {
			baseDoc = base === null ? {} : JSON.parse(base);
		} catch {
			return {kind: 'keep', change, why: `${change.path} changed since this run and its backup is not valid JSON, so it was kept.`};
		}
		const after = revertJsonPart(current, baseDoc, part.json, part.containers ?? []);
		if (after === null) return {kind: 'keep', change, why: `${change.path} changed since this run and is not valid JSON now, so it was kept (the wizard's part could not be taken out cleanly).`};
		if (after === current) return null;
		return {kind: 'restore', change, current, after, why: `changed since this run: take out only the wizard's part (${summarisePaths(part.json)}); everything else stays`};
	}
	const after = revertEnvPart(current, base, part.env);
	if (after === current) return null;
	return {kind: 'restore', change, current, after, why: `changed since this run: take out only the wizard's variables (${part.env.join(', ')}); every other line stays`};
}

export interface UndoPlan {
	plan: Plan;
	run: JournalRun;
	files: FilePlan[];
	kept: string[];
}

/** The runs that changed something, newest first. */
export function undoableRuns(session: Session): JournalRun[] {
	return [...(session.journal?.runs ?? [])].reverse().filter((r) => r.files.length > 0 || r.commands.some((c) => c.undo));
}

export async function undoPlan(session: Session, runId?: string): Promise<UndoPlan | null> {
	const runs = undoableRuns(session);
	const run = runId ? runs.find((r) => r.id === runId) : runs.find((r) => !r.undone);
	if (!run || run.undone) return null;
	const actions: PlannedAction[] = [];
	const files: FilePlan[] = [];
	const kept: string[] = [];
	for (const change of [...run.files].reverse()) {
		const fp = await planFile(session.ctx, change);
		if (!fp) continue;
		files.push(fp);
		if (fp.kind === 'keep') {
			if (!fp.harmless) kept.push(fp.why);
			actions.push({kind: 'manual', why: `kept ${change.path}`, text: fp.why});
		} else if (fp.kind === 'remove') {
			actions.push({kind: 'file', path: change.path, why: fp.why, before: fp.current, after: ''});
		} else {
			actions.push({kind: 'file', path: change.path, why: fp.why, before: fp.current, after: fp.after});
		}
	}
	// Reverse order: the newest change is undone first (e.g. bootout the agent, then reopen the app).
	let touchedSystemd: string[] | null = null;
	for (const c of [...run.commands].reverse()) {
		if (!c.undo) continue;
		if (c.guard) {
			// The file this command left behind must still be the wizard's, or reversing it would destroy a later edit.
			const now = await session.ctx.fs.readText(c.guard.path).catch(() => undefined);
			if (now === undefined || now === null || contentHash(now) !== c.guard.hash) {
				const why = `${c.guard.path} ${now === null ? 'was removed' : now === undefined ? 'cannot be read' : 'changed'} since this run, so it was kept and \`${c.undo.join(' ')}\` was not run${c.undo.some((a) => a.startsWith('/etc/systemd/system/')) ? ' (systemd was not reloaded and Ollama not restarted)' : ''}.`;
				kept.push(why);
				actions.push({kind: 'manual', why: `kept ${c.guard.path}`, text: why});
				continue;
			}
		}
		actions.push({kind: 'command', argv: c.undo, why: `reverses: ${c.argv.join(' ')}`, interactive: c.undo[0] === 'sudo'});
		if (c.undo.some((a) => a.startsWith('/etc/systemd/system/'))) touchedSystemd = c.undo[0] === 'sudo' ? ['sudo'] : [];
	}
	// A removed or restored drop-in only takes effect after a reload and a restart.
	if (touchedSystemd) {
		actions.push({kind: 'command', argv: [...touchedSystemd, 'systemctl', 'daemon-reload'], why: 'make systemd read the units again', interactive: touchedSystemd.length > 0});
		actions.push({kind: 'command', argv: [...touchedSystemd, 'systemctl', 'restart', 'ollama'], why: 'restart Ollama with its previous settings', interactive: touchedSystemd.length > 0});
	}
	return {plan: {actions, inputs: {run: run.id}}, run, files, kept};
}

/** Key paths for a sentence: grouped by their first two levels (models.ollama rather than every leaf). */
function summarisePaths(paths: (string | number)[][]): string {
	const heads = [...new Set(paths.map((p) => p.slice(0, 2).join('.')))];
	return heads.length > 6 ? `${heads.slice(0, 6).join(', ')}, …` : heads.join(', ');
}

function describeRun(run: JournalRun): string {
	const what = [
		...run.files.map((f) => `${f.created ? 'created' : 'changed'} ${f.path}${f.part && 'json' in f.part ? ` (${summarisePaths(f.part.json)})` : f.part && 'env' in f.part ? ` (${f.part.env.join(', ')})` : ''}`),
		...run.commands.map((c) => `ran ${c.argv.join(' ')}`),
	];
	return `${run.id}  ${run.at}${run.command ? `  ${run.command}` : ''}${run.undone ? '  (undone)' : ''}\n${what.map((w) => `    ${w}`).join('\n')}`;
}

export async function flowUndo(session: Session, asker: Asker, options: Options): Promise<FlowResult> {
	const summaryBase = {schemaVersion: SCHEMA_VERSION, type: 'summary', command: 'undo'};
	const runs = undoableRuns(session);
	if (options.list) {
		const list = runs.map((r) => ({id: r.id, at: r.at, command: r.command ?? null, undone: r.undone, files: r.files.map((f) => ({path: f.path, created: f.created, backup: f.backup})), commands: r.commands.map((c) => c.argv)}));
		const message = runs.length ? `Recorded runs, newest first:\n${runs.map(describeRun).join('\n')}` : 'No run recorded in the journal changed anything.';
		await asker.note('Runs', message);
		return {exitCode: exitCodeFor({failed: false}), summary: {...summaryBase, status: 'ok', message: runs.length ? `${count(runs.length, 'recorded run')}; undo one with: ollama-tunnel-wizard undo --run ID` : message, runs: list}};
	}
	let runId = options.run;
	if (runId && !runs.some((r) => r.id === runId)) {
		const message = `There is no recorded run ${runId}; \`ollama-tunnel-wizard undo --list\` shows the runs.`;
		return {exitCode: exitCodeFor({failed: true}), summary: {...summaryBase, status: 'fail', message, undone: false}};
	}
	if (runId && runs.find((r) => r.id === runId)?.undone) {
		const message = `Run ${runId} is already undone.`;
		session.bus.emit({type: 'warning', message});
		return {exitCode: exitCodeFor({failed: false}), summary: {...summaryBase, status: 'ok', message, undone: false}};
	}
	const open = runs.filter((r) => !r.undone);
	if (!runId && open.length > 1 && asker.interactive) {
		runId = await asker.select({
			message: 'Which run should be undone?',
			flag: '--run ID',
			choices: open.slice(0, 20).map((r) => ({value: r.id, name: `${r.at.replace('T', ' ').slice(0, 16)}  ${r.command ?? ''}`.trim(), description: describeRun(r).split('\n').slice(1).join('; ')})),
			default: open[0]?.id,
		});
	}
	const found = await undoPlan(session, runId);
	if (!found || found.plan.actions.length === 0) {
		const message = 'There is nothing to undo: no run recorded in the journal changed anything that is not already undone.';
		session.bus.emit({type: 'warning', message});
		return {exitCode: exitCodeFor({failed: false}), summary: {...summaryBase, status: 'ok', message, undone: false}};
	}
	const {plan, run, files, kept} = found;
	const runIdFinal = run.id;
	const byPath = new Map(files.filter((f) => f.kind !== 'keep').map((f) => [f.change.path, f]));
	let commandsRan = !plan.actions.some((a) => a.kind === 'command');
	// Undo is itself a step-shaped action so it gets the same plan display, confirmation and --dry-run.
	const undoStep: Step = {
		// Not one of the six steps: its own id, so no output calls it "step 6".
		id: 'undo' as Step['id'],
		number: 0,
		title: 'Undo a run',
		roles: ['client', 'server'],
		dependsOn: [],
		available: true,
		async check(ctx) {
			const pending: string[] = [];
			for (const f of byPath.values()) {
				const now = await ctx.fs.readText(f.change.path).catch(() => undefined);
				const done = f.kind === 'remove' ? now === null : now === f.after;
				if (!done) pending.push(f.change.path);
			}
			if (pending.length === 0 && commandsRan) return {status: 'ok', summary: `The changes of run ${runIdFinal} are reverted.`, details: []};
			// warn, not fail: nothing is broken, there is something to undo.
			return {status: 'warn', summary: `Run ${runIdFinal} changed ${count(pending.length, 'file')} that can be reverted${plan.actions.some((a) => a.kind === 'command') ? ' and ran commands that can be reversed' : ''}.`, details: pending};
		},
		async plan() {
			return plan;
		},
		async apply(ctx) {
			for (const a of plan.actions) {
				if (a.kind === 'file') {
					const f = byPath.get(a.path);
					if (f?.kind === 'remove') {
						// Before a destructive undo: a backup copy (0600) next to the file, then remove it.
						await ctx.fs.writeAtomic(`${a.path}.bak-${timestamp(ctx.clock.now())}-undo`, f.current, {mode: 0o600, backup: false});
						const now = await ctx.fs.readText(a.path);
						if (now !== f.current) throw new StepFailure(`${a.path} changed while undo was running, so it was not removed.`, [], {text: 'Run undo again to see the new plan.'}, 'changed');
						await ctx.fs.remove(a.path);
					} else {
						await ctx.fs.writeAtomic(a.path, a.after, {backup: true, expect: a.before});
					}
				} else if (a.kind === 'command') {
					const [cmd, ...args] = a.argv;
					const r = await ctx.run(cmd ?? '', args, {interactive: a.interactive});
					if (r.exitCode !== 0) throw new StepFailure(`The command ${a.argv.join(' ')} failed (exit ${r.exitCode ?? 'none'}).`, [r.stderr.trim()].filter(Boolean));
					// After a quit or a restart, wait until the port is free or listened on again.
					await settleAfterUndo(ctx, a.argv);
				}
			}
			commandsRan = true;
		},
	};
	const mode = options['dry-run'] ? 'dry-run' : 'apply';
	let failure: string | null = null;
	const outcome = await runStep(undoStep, session.ctx, {
		mode,
		answers: {},
		bus: session.bus,
		confirm: confirmWith(asker, options),
		checkTimeoutMs: 30_000,
	}).catch((error: unknown) => {
		if (error && typeof error === 'object' && 'exitCode' in error) throw error; // usage / cancel → the CLI's exit code
		failure = (error as Error).message;
		return null;
	});
	const applied = Boolean(outcome?.applied && outcome.result.status === 'ok');
	if (outcome && !applied && outcome.applied && outcome.result.status !== 'ok') failure ??= outcome.result.summary;
	if (applied) {
		run.undone = true;
		session.touchRun(run.id);
		await session.save();
	}
	// The system, not only the files: each step the run touched is checked again and compared.
	// Checked again after a revert, and also when something was kept: then it says what is still different.
	const after = mode !== 'dry-run' && (applied || kept.length > 0) ? await recheck(session, run) : [];
	const stillDifferent = after.filter((a) => a.differs);
	for (const a of after) session.bus.emit(a.differs ? {type: 'warning', message: a.message} : {type: 'step:progress', step: 'undo', message: a.message});
	const ok = (mode === 'dry-run' || applied) && kept.length === 0 && stillDifferent.length === 0;
	const messages = [
		failure ?? (applied ? `Reverted the changes of run ${runIdFinal}.` : mode === 'dry-run' ? 'Dry run: nothing was changed.' : (outcome?.result.summary ?? 'Not undone.')),
		...kept,
		...after.map((a) => a.message),
	];
	return {
		exitCode: exitCodeFor({failed: !ok}),
		summary: {
			...summaryBase,
			status: ok ? 'ok' : 'fail',
			run: runIdFinal,
			undone: applied,
			dryRun: mode === 'dry-run',
			kept: kept,
			rechecked: after.map((a) => ({step: a.step, before: a.before, now: a.now, differs: a.differs})),
			message: messages.join(' '),
		},
	};
}

interface Recheck {
	step: string;
	before: string;
	now: string;
	differs: boolean;
	message: string;
}

/** Checks each step the run touched again and compares with its check before the run. */
async function recheck(session: Session, run: JournalRun): Promise<Recheck[]> {
	const out: Recheck[] = [];
	for (const [id, before] of Object.entries(run.before ?? {})) {
		const step = session.steps.find((s) => s.id === id);
		if (!step) continue;
		const answers = session.journal?.steps[id]?.answers ?? {};
		// The runner's own check mode: its time limit, and a crash becomes a result (nothing is recorded).
		const checkOnce = async (): Promise<{status: string; summary: string; system: SystemState | null}> => {
			const {result} = await runStep(step, session.ctx, {mode: 'check', answers, bus: new EventBus(), checkTimeoutMs: 30_000});
			return {status: result.status, summary: session.ctx.secrets.redact(result.summary), system: systemStateOf(result)};
		};
		// Where the step recorded the system's state (listener, drop-in, launchd variable, Connector), that
		// is what must be back; a service may still be starting, so a difference is checked again a few times.
		let now = await checkOnce();
		let differences = before.system && now.system ? systemDifferences(before.system, now.system) : null;
		for (let attempt = 0; differences && differences.length > 0 && attempt < 3; attempt++) {
			await session.ctx.clock.sleep(1000, session.ctx.signal).catch(() => undefined);
			now = await checkOnce();
			differences = before.system && now.system ? systemDifferences(before.system, now.system) : null;
		}
		const differs = differences ? differences.length > 0 : now.status !== before.status;
		// A later run (not undone) that changed the same step explains a difference: said, not a failure.
		const later = (session.journal?.runs ?? []).filter((r) => r.at > run.at && !r.undone && (r.files.some((f) => f.step === id) || r.commands.some((c) => c.step === id)));
		out.push({
			step: id,
			before: before.status,
			now: now.status,
			differs: differs && later.length === 0,
			message: differs
				? `Step ${step.number} is not as it was before run ${run.id}: ${differences?.length ? differences.join(' ') : `before the run its check said "${before.summary}", now it says "${now.summary}".`}${later.length ? ` (Later run ${later.map((r) => r.id).join(', ')} changed it too.)` : ''}`
				: `Step ${step.number} is back to its state before run ${run.id}: ${now.summary}`,
		});
	}
	return out;
}
