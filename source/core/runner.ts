/**
 * The runner: check → plan → (dry-run: show) → confirm → apply → check again (verify) → journal.
 * A step that throws becomes a `crash` result; the app never crashes because of a step.
 */
import type {Ctx, FileSystem} from './context.js';
import {CancelledError} from './exit-codes.js';
import {WriteError} from './files.js';
import {LockError} from './lock.js';
import type {EventBus} from './events.js';
import {hashInputs} from './hash.js';
import {publicAnswers, recordStep, type Journal, type JournalRun, type OwnedPart} from './journal.js';
import {actionFacts} from './mask.js';
import {contentHash, ownedPart} from './owned-part.js';
import type {Answers, CheckResult, Plan, PlannedAction, Step} from './types.js';

type FileAction = Extract<PlannedAction, {kind: 'file'}>;
import {count} from './words.js';

export type RunMode = 'check' | 'apply' | 'dry-run';

export interface RunStepOptions {
	mode: RunMode;
	answers: Answers;
	bus: EventBus;
	/** Asked before apply; resolve false to skip. Missing means yes (--yes). */
	confirm?: (step: Step, plan: Plan) => Promise<boolean>;
	journal?: Journal;
	/** The journal's record of this run (files written, commands run) for `undo`. */
	run?: JournalRun;
	/** Apply even when check says ok (repair of a stale step). */
	force?: boolean;
	/** Per-check time limit; a check that takes longer fails with cause `timeout`. */
	checkTimeoutMs?: number;
}

export interface StepOutcome {
	result: CheckResult;
	applied: boolean;
	plan?: Plan;
}

function errorMessage(error: unknown): string {
	if (error instanceof Error) return error.message;
	return String(error);
}

export function crashResult(error: unknown, durationMs: number, what: string): CheckResult {
	return {
		status: 'crash',
		summary: `${what} stopped with an unexpected error: ${errorMessage(error)}`,
		details: ['This is a bug in the wizard, not in your setup. The log file has the details.'],
		cause: 'crash',
		durationMs,
	};
}

async function timed(ctx: Ctx, fn: () => Promise<Omit<CheckResult, 'durationMs'>>, timeoutMs: number | undefined, what: string): Promise<CheckResult> {
	const started = ctx.clock.now();
	try {
		const work = fn();
		const result = timeoutMs
			? await Promise.race([
					work,
					new Promise<never>((_, reject) => {
						const t = setTimeout(() => reject(new CheckTimeout(timeoutMs)), timeoutMs);
						t.unref?.();
						void work.finally(() => clearTimeout(t)).catch(() => undefined);
					}),
				])
			: await work;
		return {...result, durationMs: ctx.clock.now() - started};
	} catch (error) {
		const durationMs = ctx.clock.now() - started;
		// Ctrl-C / q aborted the run: that is a cancel, not a crash of the check.
		if (ctx.signal.aborted) throw new CancelledError();
		if (error instanceof CheckTimeout) {
			return {status: 'fail', summary: `${what} did not finish within ${error.ms} ms.`, details: [], cause: 'timeout', durationMs};
		}
		ctx.log.log('error', `${what} crashed`, {error: errorMessage(error), stack: (error as Error)?.stack});
		return crashResult(error, durationMs, what);
	}
}

class CheckTimeout extends Error {
	constructor(readonly ms: number) {
		super(`timed out after ${ms} ms`);
	}
}

/**
 * Wraps the filesystem so every write made by apply is recorded for `undo`: the backup, whether the
 * file was created, the hash of what was written and the part of the file that changed (key names only).
 */
function recordingFs(fs: FileSystem, run: JournalRun | undefined, stepId: string, plan: Plan): FileSystem {
	// What the plan was made from, per file: the writer refuses a file that holds anything else now
	// (another program or run changed it since), under the file's lock.
	const planned = new Map<string, string | null>();
	const actions = new Map<string, FileAction>();
	for (const a of plan.actions) {
		if (a.kind !== 'file' || planned.has(a.path)) continue;
		planned.set(a.path, a.before);
		actions.set(a.path, a);
	}
	return {
		...fs,
		async writeAtomic(p, content, opts) {
			const expect = opts?.expect !== undefined ? opts.expect : planned.get(p);
			const guarded = {...opts, ...(expect !== undefined ? {expect} : {})};
			if (!run) {
				const out = await fs.writeAtomic(p, content, guarded);
				planned.set(p, content);
				return out;
			}
			// The file has the size of `expect` and not that of `content`: the writer compares it with
			// `expect` under its lock, so a write that succeeds replaces exactly `expect` (no second read
			// of a large file). Otherwise what it holds is read, as it must be to tell a no-op.
			const st = await fs.stat(p);
			const existed = st !== null;
			const known = typeof expect === 'string' && st !== null && st.size === Buffer.byteLength(expect) && st.size !== Buffer.byteLength(content);
			const before = known ? expect : existed ? await fs.readText(p).catch(() => null) : null;
			const out = await fs.writeAtomic(p, content, {...guarded, backup: existed ? (opts?.backup ?? true) : false});
			planned.set(p, content);
			if (before === content) return out; // nothing was written
			// The plan's action for exactly this write: its carried key paths and its hash, worked out once.
			const action = actions.get(p);
			const same = action && typeof content === 'string' && action.before === before && action.after === content ? action : undefined;
			const earlier = run.files.find((f) => f.path === p);
			const part = ownedPart(p, before, content, same);
			const facts = same ? actionFacts(same, 'after') : null;
			const hash = facts ? facts.sha256 : contentHash(content);
			const size = facts ? facts.bytes : Buffer.byteLength(content);
			if (earlier) {
				// Written twice in one run: undo still goes back to the first backup; the parts add up.
				earlier.hash = hash;
				earlier.size = size;
				earlier.part = mergeParts(earlier.part ?? null, part);
			} else {
				run.files.push({path: p, backup: out.backupPath, created: !existed, hash, size, part, step: stepId});
			}
			return out;
		},
	};
}

/**
 * Wraps the command runner so every planned command that succeeded is recorded for `undo` as it
 * happens: a drop-in installed before a restart that failed is still undone.
 */
function recordingRun(ctx: Ctx, run: JournalRun | undefined, stepId: string, plan: Plan): Ctx['run'] {
	if (!run) return ctx.run;
	const planned = plan.actions.filter((a): a is Extract<PlannedAction, {kind: 'command'}> => a.kind === 'command');
	return async (cmd, args, opts) => {
		const result = await ctx.run(cmd, args, opts);
		const key = [cmd, ...args].join('\0');
		const action = planned.find((a) => a.argv.join('\0') === key);
		if (action && result.exitCode === 0) {
			const argv = action.argv.map((a) => ctx.secrets.redact(a));
			if (!run.commands.some((c) => c.step === stepId && c.argv.join('\0') === argv.join('\0'))) run.commands.push({argv, undo: action.undo ?? null, step: stepId, ...(action.guard ? {guard: {path: action.guard.path, hash: contentHash(action.guard.content)}} : {})});
		}
		return result;
	};
}

/** The non-secret `data.system` record a step's check may return (what undo compares afterwards). */
function systemRecord(value: unknown): Record<string, string | null> | null {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	const out: Record<string, string | null> = {};
	for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? v : null;
	return out;
}

function mergeParts(a: OwnedPart | null, b: OwnedPart | null): OwnedPart | null {
	if (!a || !b) return null;
	if ('json' in a && 'json' in b) return {json: [...a.json, ...b.json], containers: [...(a.containers ?? []), ...(b.containers ?? [])]};
	if ('env' in a && 'env' in b) return {env: [...new Set([...a.env, ...b.env])]};
	return null;
}

export async function runStep(step: Step, ctx: Ctx, opts: RunStepOptions): Promise<StepOutcome> {
	const {bus} = opts;
	if (!step.available) {
		const result: CheckResult = {
			status: 'skipped',
			summary: `Step ${step.number} (${step.title}) is not available in this version yet; nothing was checked or changed.`,
			details: [],
			durationMs: 0,
		};
		bus.emit({type: 'step:result', step: step.id, title: step.title, result, applied: false});
		return {result, applied: false};
	}

	ctx = {...ctx, progress: (check, status, message) => bus.emit({type: 'step:progress', step: step.id, check, status, message: ctx.secrets.redact(message)})};
	bus.emit({type: 'step:start', step: step.id, title: step.title, phase: 'check'});
	const before = await timed(ctx, () => step.check(ctx, opts.answers), opts.checkTimeoutMs, `The check of step ${step.number}`);

	const finish = (result: CheckResult, applied: boolean, plan?: Plan): StepOutcome => {
		bus.emit({type: 'step:result', step: step.id, title: step.title, result, applied});
		if (opts.journal && opts.mode !== 'dry-run') {
			recordStep(opts.journal, step.id, {
				status: result.status,
				inputsHash: hashInputs(plan?.inputs ?? {}),
				at: ctx.clock.now(),
				summary: ctx.secrets.redact(result.summary),
				error: result.status === 'fail' || result.status === 'crash' ? ctx.secrets.redact(result.summary) : null,
				answers: publicAnswers(opts.answers, ctx.secrets),
			});
		}
		return {result, applied, plan};
	};

	if (opts.mode === 'check' || before.status === 'crash') return finish(before, false);

	let plan: Plan;
	try {
		plan = await step.plan(ctx, opts.answers);
	} catch (error) {
		if (error && typeof error === 'object' && 'exitCode' in error) throw error; // usage errors go to the CLI
		if (ctx.signal.aborted) throw new CancelledError();
		ctx.log.log('error', `planning step ${step.number} crashed`, {error: errorMessage(error)});
		return finish(crashResult(error, 0, `Planning step ${step.number}`), false);
	}

	const changes = plan.actions.filter((a) => a.kind !== 'manual' && !(a.kind === 'file' && a.before === a.after));
	// A healthy step, or one whose only warning no change of the step can fix, is left alone.
	const healthy = before.status === 'ok' || (before.status === 'warn' && before.fixable === false);
	if ((healthy && !opts.force) || changes.length === 0) {
		if (plan.actions.some((a) => a.kind === 'manual')) bus.emit({type: 'step:plan', step: step.id, plan});
		return finish(before, false, plan);
	}

	bus.emit({type: 'step:plan', step: step.id, plan});
	if (opts.mode === 'dry-run') {
		return finish(
			{...before, details: [...before.details, `Dry run: ${count(changes.length, 'change')} planned, nothing was changed.`]},
			false,
			plan,
		);
	}

	if (opts.confirm && !(await opts.confirm(step, plan))) {
		return finish({...before, status: 'skipped', summary: `Step ${step.number} was not applied (you declined). ${before.summary}`}, false, plan);
	}

	bus.emit({type: 'step:start', step: step.id, title: step.title, phase: 'apply'});
	if (opts.run) {
		opts.run.before ??= {};
		const system = systemRecord(before.data?.system);
		opts.run.before[step.id] ??= {status: before.status, summary: ctx.secrets.redact(before.summary), ...(system ? {system} : {})};
	}
	const applyCtx: Ctx = {...ctx, fs: recordingFs(ctx.fs, opts.run, step.id, plan), run: recordingRun(ctx, opts.run, step.id, plan)};
	const started = ctx.clock.now();
	try {
		await step.apply(applyCtx, plan, ctx.signal);
		// Planned commands carried out without a process (e.g. a chmod done as a file-system call).
		for (const action of plan.actions) {
			if (action.kind !== 'command' || !opts.run) continue;
			const argv = action.argv.map((a) => ctx.secrets.redact(a));
			if (!opts.run.commands.some((c) => c.step === step.id && c.argv.join('\0') === argv.join('\0'))) opts.run.commands.push({argv, undo: action.undo ?? null, step: step.id, ...(action.guard ? {guard: {path: action.guard.path, hash: contentHash(action.guard.content)}} : {})});
		}
	} catch (error) {
		if (ctx.signal.aborted) throw new CancelledError();
		ctx.log.log('error', `applying step ${step.number} failed`, {error: errorMessage(error)});
		const failed = crashResult(error, ctx.clock.now() - started, `Applying step ${step.number}`);
		// A deliberate, explained failure from apply is a fail, not a crash.
		if (error instanceof WriteError || error instanceof LockError) return finish({...failed, status: 'fail', summary: error.message, details: [], remediation: undefined, cause: 'write-failed'}, true, plan);
		if (error instanceof StepFailure) return finish({...failed, status: 'fail', summary: error.message, details: error.details, remediation: error.remediation, cause: error.cause ?? null}, true, plan);
		return finish(failed, true, plan);
	}

	bus.emit({type: 'step:start', step: step.id, title: step.title, phase: 'verify'});
	const after = await timed(ctx, () => step.check(ctx, opts.answers), opts.checkTimeoutMs, `The check of step ${step.number}`);
	return finish(after, true, plan);
}

/** Thrown by apply for an explained failure (e.g. a command exited non-zero): becomes `fail`. */
export class StepFailure extends Error {
	constructor(
		message: string,
		readonly details: string[] = [],
		readonly remediation?: CheckResult['remediation'],
		override readonly cause?: string,
	) {
		super(message);
		this.name = 'StepFailure';
	}
}
