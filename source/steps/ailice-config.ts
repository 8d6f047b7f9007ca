/**
 * Step 4 — AIlice's config.json, at the path AIlice really reads (appdirs' user config folder), with
 * the Ollama provider AIlice can use: AModelChatGPT (there is no AModelOllama), apikey "ollama",
 * baseURL ending in /v1, model names exactly as /api/tags lists them, AFormatterGPT, contextWindow
 * from /api/show capped to 8192, systemAsUser false, optionally modelID and agentModelConfig.DEFAULT.
 * Plus the web app's overlay user_config.json and, when asked, the .env for the step-5 container
 * (which AIlice itself never reads). Every existing file is backed up before it is replaced.
 */
import {constants as fsConstants, promises as fsp} from 'node:fs';
import {StepFailure} from '../core/runner.js';
import type {Answers, CheckResult, Plan, Step} from '../core/types.js';
import {analyse, type AiliceAnswers, type Analysis} from '../ailice/analyse.js';
import {checkPath} from '../ailice/files.js';
import {WriteError} from '../core/files.js';
import {STEP_META} from './meta.js';
import {count} from '../core/words.js';

/**
 * The check's analysis, handed to the plan that follows it (the runner calls check, then plan, with
 * the same answers object): a large config.json is then read, parsed, merged and validated once,
 * not twice. Used only while the answers and every file the analysis read are unchanged.
 */
const LAST_CHECK = new WeakMap<object, {an: Analysis; key: string}>();

/** What identifies one file's current version (inode, size, times in ns), or how it is missing. */
async function fileIdentity(f: string): Promise<string> {
	try {
		const s = await fsp.stat(f, {bigint: true});
		return s.isFIFO() ? `${f}:pipe` : `${f}:${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
	} catch (error) {
		return `${f}:${(error as NodeJS.ErrnoException).code ?? 'error'}`;
	}
}

/** What identifies the answers and the current version of each file. */
async function identity(answers: Answers, files: string[]): Promise<string> {
	const parts = [JSON.stringify(answers)];
	for (const f of files) parts.push(await fileIdentity(f));
	return parts.join('\n');
}

/**
 * A plan made from an analysis, and then (once apply wrote it) the same record by answers: the
 * verification that follows apply reads each written file back and, when it holds exactly the
 * planned text and every other file read is unchanged, reports what a new analysis of those files
 * would (the same findings, nothing left to change) without parsing and validating it again.
 */
interface Planned {
	an: Analysis;
	answers: string;
	/** The identity of each file read that the plan does not write, when the plan was made. */
	others: Map<string, string>;
}
const PLANNED = new WeakMap<Plan, {answers: Answers; planned: Planned}>();
const APPLIED = new WeakMap<object, Planned>();

/** Only plans that write AIlice's JSON files (no .env, service key or mode change, whose findings depend on more). */
function verifiable(an: Analysis): boolean {
	return an.actions.length > 0 && an.actions.every((a) => a.kind === 'file' && !a.secret && a.before !== null && a.path.endsWith('.json')) && an.read.every((f) => f === an.configPath || f === an.data.overlayPath);
}

async function remember(plan: Plan, answers: Answers, an: Analysis): Promise<void> {
	if (!verifiable(an)) return;
	const written = new Set(an.actions.map((a) => (a.kind === 'file' ? a.path : '')));
	const others = new Map<string, string>();
	for (const f of an.read) if (!written.has(f)) others.set(f, await fileIdentity(f));
	PLANNED.set(plan, {answers, planned: {an, answers: JSON.stringify(answers), others}});
}

const CHUNK = 1 << 20;

/**
 * Whether the regular file at `file` (not a link, not a pipe: opened as readTarget opens it) holds
 * exactly the UTF-8 bytes of `text`, compared a chunk at a time: a file that does is valid UTF-8 and
 * decodes to `text` (which has no lone surrogates: it came from a strict decode and JSON.stringify),
 * so this is readTarget + compare without a copy of the whole file, as bytes or as text.
 */
async function holdsText(file: string, text: string): Promise<boolean> {
	let handle: fsp.FileHandle | undefined;
	try {
		handle = await fsp.open(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (fsConstants.O_NOFOLLOW ?? 0));
		const st = await handle.stat();
		if (!st.isFile() || st.size !== Buffer.byteLength(text)) return false;
		const want = Buffer.allocUnsafe(CHUNK * 3 + 4);
		const got = Buffer.allocUnsafe(want.length);
		const encoder = new TextEncoder();
		let at = 0;
		let position = 0;
		while (at < text.length) {
			let end = Math.min(text.length, at + CHUNK);
			// Never split a surrogate pair between two chunks.
			const last = text.charCodeAt(end - 1);
			if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
			const {written} = encoder.encodeInto(text.slice(at, end), want);
			const {bytesRead} = await handle.read(got, 0, written, position);
			if (bytesRead !== written || want.compare(got, 0, written, 0, written) !== 0) return false;
			at = end;
			position += written;
		}
		const {bytesRead} = await handle.read(got, 0, 1, position);
		return bytesRead === 0;
	} catch {
		return false;
	} finally {
		await handle?.close().catch(() => undefined);
	}
}

/** The verification's result when every written file holds exactly the planned text; null: analyse again. */
async function verifyApplied(answers: Answers, p: Planned): Promise<Omit<CheckResult, 'durationMs'> | null> {
	if (JSON.stringify(answers) !== p.answers) return null;
	for (const a of p.an.actions) {
		if (a.kind !== 'file') return null;
		// Read from disk, with the analysis' path checks: this proves what landed.
		if ((await checkPath(a.path, a.path)) !== null || !(await holdsText(a.path, a.after))) return null;
	}
	for (const [f, id] of p.others) if ((await fileIdentity(f)) !== id) return null;
	return analysisToResult({...p.an, actions: [], changes: []});
}

export function analysisToResult(an: Analysis): Omit<CheckResult, 'durationMs'> {
	const data = {...an.data, configPath: an.configPath, changes: an.changes};
	if (an.problem) {
		return {status: 'fail', summary: an.problem.summary, details: an.problem.details, cause: an.problem.cause, remediation: an.problem.remediation, data};
	}
	const warnings = an.warnings.map((w) => `Warning: ${w}`);
	if (an.actions.length) {
		return {
			status: 'fail',
			summary: `${count(an.actions.length, 'change is', 'changes are')} needed so AIlice at ${an.configPath} uses Ollama.`,
			details: [...an.changes, ...an.info, ...warnings],
			cause: 'not-configured',
			remediation: {text: 'Apply the plan (run again without --dry-run, and confirm or pass --yes).'},
			data,
		};
	}
	const what = an.mode === 'configure' ? `${String(an.data.provider)} → ${String(an.data.baseURL)} with ${(an.data.models as string[]).join(', ')}` : `provider ${String(an.data.provider)} is set up`;
	return {
		status: an.warnings.length ? 'warn' : 'ok',
		summary: `AIlice's config.json at ${an.configPath} is right: ${what}.`,
		details: [...an.info, ...warnings],
		data,
	};
}

export const ailiceConfig: Step = {
	...STEP_META['ailice-config'],
	async check(ctx, answers: Answers) {
		const applied = APPLIED.get(answers);
		if (applied) {
			APPLIED.delete(answers);
			const verified = await verifyApplied(answers, applied);
			if (verified) return verified;
		}
		const an = await analyse(ctx, answers as AiliceAnswers);
		if (!an.problem && an.actions.length) LAST_CHECK.set(answers, {an, key: await identity(answers, an.read)});
		return analysisToResult(an);
	},
	async plan(ctx, answers: Answers) {
		const last = LAST_CHECK.get(answers);
		LAST_CHECK.delete(answers);
		const an = last && (await identity(answers, last.an.read)) === last.key ? last.an : await analyse(ctx, answers as AiliceAnswers);
		const plan: Plan = {actions: an.problem ? [] : an.actions, inputs: an.inputs, notes: an.problem ? [an.problem.summary] : [...an.info, ...an.warnings]};
		if (!an.problem) await remember(plan, answers, an);
		return plan;
	},
	async apply(ctx, plan) {
		for (const action of plan.actions) {
			if (action.kind === 'file') {
				const changed = () => new StepFailure(`${action.path} changed while the wizard was running, so it was not written.`, [], {text: 'Run the command again to see the new plan.'}, 'changed');
				// The path checks of the analysis' read (never opening a pipe that took the file's place),
				// and the size; the content itself is compared by the writer, under the file's lock, with
				// the text the plan was made from (no second copy of a large file here).
				if ((await checkPath(action.path, action.path)) !== null) throw changed();
				const st = await ctx.fs.stat(action.path);
				if (action.before === null ? st !== null : st === null || !st.isFile || st.size !== Buffer.byteLength(action.before)) throw changed();
				try {
					await ctx.fs.writeAtomic(action.path, action.after, {mode: action.mode, backup: true, expect: action.before});
				} catch (error) {
					if (error instanceof WriteError && error.code === 'ECHANGED') throw changed();
					throw error;
				}
			} else if (action.kind === 'command' && action.argv[0] === 'chmod' && action.argv[2]) {
				await ctx.fs.chmod(action.argv[2], Number.parseInt(action.argv[1] ?? '600', 8));
			}
		}
		const planned = PLANNED.get(plan);
		if (planned) {
			PLANNED.delete(plan);
			APPLIED.set(planned.answers, planned.planned);
		}
	},
};
