/**
 * Applying a server-side plan: commands in order (sudo ones in the real terminal), files written
 * atomically, and per-action hooks the plan attached (guards, waits, the secret environment of one
 * command). Hooks live in a WeakMap keyed by the action object, so nothing secret is in the plan
 * itself: the views, the journal and --json only ever see the argv.
 */
import path from 'node:path';
import type {CommandResult, Ctx} from '../core/context.js';
import {StepFailure} from '../core/runner.js';
import type {Plan, PlannedAction} from '../core/types.js';
import {OLLAMA_PORT, probeRoot, readListeners} from './detect.js';

const shellQuote = (argv: string[]): string => argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

export interface ActionHook {
	/** Environment for this one command (e.g. Connector tokens); never shown, never logged. */
	env?: Record<string, string>;
	/** Runs before the action; throw a StepFailure to refuse. */
	before?: (ctx: Ctx) => Promise<void>;
	/** Runs after the action succeeded (e.g. wait until Ollama answers). */
	after?: (ctx: Ctx) => Promise<void>;
	/** A non-zero exit that is fine (e.g. bootout of a job that is not loaded). */
	tolerate?: (r: CommandResult) => boolean;
	/** File action: write the content here instead; a following `sudo install` command moves it into place. */
	stageTo?: string;
	/** Remove these files after the action (staging copies). */
	cleanup?: string[];
	/** Extra explanation for a failure of this command (e.g. launchctl's error classes). */
	explain?: (r: CommandResult) => string | undefined;
	/** A longer time limit for this command (ms). */
	timeoutMs?: number;
}

const HOOKS = new WeakMap<PlannedAction, ActionHook>();

export function hook<T extends PlannedAction>(action: T, h: ActionHook): T {
	HOOKS.set(action, {...HOOKS.get(action), ...h});
	return action;
}

export function hookOf(action: PlannedAction): ActionHook | undefined {
	return HOOKS.get(action);
}

/** How many actions of a plan finished (also when a later one failed): what apply really changed. */
const DONE = new WeakMap<Plan, number>();

/**
 * The actions of a plan that ran to the end, in order. After a failed apply these are the changes to
 * record for undo (e.g. the drop-in was installed, then the restart failed).
 */
export function actionsDone(plan: Plan): PlannedAction[] {
	return plan.actions.slice(0, DONE.get(plan) ?? 0);
}

export async function executePlan(ctx: Ctx, plan: Plan): Promise<void> {
	DONE.set(plan, 0);
	for (const action of plan.actions) {
		if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
		const h = HOOKS.get(action);
		await h?.before?.(ctx);
		if (action.kind === 'command') {
			const [cmd, ...args] = action.argv;
			const r = await ctx.run(cmd ?? '', args, {interactive: action.interactive, env: h?.env, timeoutMs: h?.timeoutMs});
			if (r.exitCode !== 0 && !h?.tolerate?.(r)) {
				const said = ctx.secrets.redact((r.stderr.trim() || r.stdout.trim()).split('\n').slice(0, 3).join(' '));
				throw new StepFailure(
					r.notFound ? `${cmd} is not installed, so \`${shellQuote(action.argv)}\` could not run.` : `\`${ctx.secrets.redact(shellQuote(action.argv))}\` failed (exit code ${r.exitCode ?? 'none'}).`,
					said ? [said] : [],
					{text: h?.explain?.(r) ?? `It was run to ${action.why.replace(/\.$/, '')}. Fix the cause, then rerun \`ollama-tunnel-wizard repair\`.`},
					'command-failed',
				);
			}
		} else if (action.kind === 'file') {
			const target = h?.stageTo ?? action.path;
			await ctx.fs.mkdirp(path.dirname(target));
			await ctx.fs.writeAtomic(target, action.after, {mode: action.mode});
		}
		for (const f of h?.cleanup ?? []) await ctx.fs.remove(f).catch(() => undefined);
		DONE.set(plan, (DONE.get(plan) ?? 0) + 1);
		await h?.after?.(ctx);
	}
}

/** Poll until something listens on the port again (after undo restarted a server); false when nothing did. */
export async function waitListening(ctx: Ctx, port = OLLAMA_PORT, tries = 30, intervalMs = 500): Promise<boolean> {
	for (let i = 0; i < tries; i++) {
		const r = await readListeners(ctx, port);
		if (r.ok && r.summary.state !== 'none') return true;
		if (i < tries - 1) await ctx.clock.sleep(intervalMs, ctx.signal);
	}
	return false;
}

/**
 * What undo should wait for after one of the reverse commands of steps 1–2, before the next one and
 * before it re-runs the step's check: the port to be free after Ollama.app was asked to quit (so the
 * next `open -a Ollama` starts a fresh app), and a server listening again after a restart or load.
 */
export async function settleAfterUndo(ctx: Ctx, argv: readonly string[], port = OLLAMA_PORT): Promise<void> {
	const a = argv[0] === 'sudo' ? argv.slice(1) : argv;
	const line = a.join(' ');
	if (line === 'osascript -e quit app "Ollama"' || (a[0] === 'launchctl' && a[1] === 'bootout') || (a[0] === 'brew' && a[2] === 'stop')) {
		await waitPortFree(ctx, port);
	} else if (line === 'open -a Ollama' || line === 'systemctl restart ollama' || (a[0] === 'launchctl' && a[1] === 'bootstrap') || (a[0] === 'brew' && a[2] === 'start')) {
		await waitListening(ctx, port);
	}
}

/** Poll until nothing listens on the port (after quitting a server); false when still taken. */
export async function waitPortFree(ctx: Ctx, port = OLLAMA_PORT, tries = 20, intervalMs = 500): Promise<{free: boolean; sentence: string}> {
	let sentence = '';
	for (let i = 0; i < tries; i++) {
		const r = await readListeners(ctx, port);
		if (r.ok && r.summary.state === 'none') return {free: true, sentence: r.summary.sentence};
		sentence = r.ok ? r.summary.sentence : r.problem;
		if (i < tries - 1) await ctx.clock.sleep(intervalMs, ctx.signal);
	}
	return {free: false, sentence};
}

/** Poll `GET /` until Ollama answers (after a restart); false when it never did. */
export async function waitOllamaUp(ctx: Ctx, host: string, port = OLLAMA_PORT, tries = 30, intervalMs = 500): Promise<boolean> {
	for (let i = 0; i < tries; i++) {
		if ((await probeRoot(ctx, host, port, 2000)).ok) return true;
		if (i < tries - 1) await ctx.clock.sleep(intervalMs, ctx.signal);
	}
	return false;
}
