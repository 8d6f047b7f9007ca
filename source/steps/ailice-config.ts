/**
 * Step 4 — AIlice's config.json, at the path AIlice really reads (appdirs' user config folder), with
 * the Ollama provider AIlice can use: AModelChatGPT (there is no AModelOllama), apikey "ollama",
 * baseURL ending in /v1, model names exactly as /api/tags lists them, AFormatterGPT, contextWindow
 * from /api/show capped to 8192, systemAsUser false, optionally modelID and agentModelConfig.DEFAULT.
 * Plus the web app's overlay user_config.json and, when asked, the .env for the step-5 container
 * (which AIlice itself never reads). Every existing file is backed up before it is replaced.
 */
import {promises as fsp} from 'node:fs';
import {StepFailure} from '../core/runner.js';
import type {Answers, CheckResult, Plan, Step} from '../core/types.js';
import {analyse, type AiliceAnswers, type Analysis} from '../ailice/analyse.js';
import {readTarget} from '../ailice/files.js';
import {STEP_META} from './meta.js';

/**
 * The check's analysis, handed to the plan that follows it (the runner calls check, then plan, with
 * the same answers object): a large config.json is then read, parsed, merged and validated once,
 * not twice. Used only while the answers and every file the analysis read are unchanged.
 */
const LAST_CHECK = new WeakMap<object, {an: Analysis; key: string}>();

/** What identifies the answers and the current version of each file (inode, size, times in ns). */
async function identity(answers: Answers, files: string[]): Promise<string> {
	const parts = [JSON.stringify(answers)];
	for (const f of files) {
		try {
			const s = await fsp.stat(f, {bigint: true});
			parts.push(s.isFIFO() ? `${f}:pipe` : `${f}:${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`);
		} catch (error) {
			parts.push(`${f}:${(error as NodeJS.ErrnoException).code ?? 'error'}`);
		}
	}
	return parts.join('\n');
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
			summary: `${an.actions.length} change(s) are needed so AIlice at ${an.configPath} uses Ollama.`,
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
		const an = await analyse(ctx, answers as AiliceAnswers);
		if (!an.problem && an.actions.length) LAST_CHECK.set(answers, {an, key: await identity(answers, an.read)});
		return analysisToResult(an);
	},
	async plan(ctx, answers: Answers) {
		const last = LAST_CHECK.get(answers);
		LAST_CHECK.delete(answers);
		const an = last && (await identity(answers, last.an.read)) === last.key ? last.an : await analyse(ctx, answers as AiliceAnswers);
		const plan: Plan = {actions: an.problem ? [] : an.actions, inputs: an.inputs, notes: an.problem ? [an.problem.summary] : [...an.info, ...an.warnings]};
		return plan;
	},
	async apply(ctx, plan) {
		for (const action of plan.actions) {
			if (action.kind === 'file') {
				// Read as the analysis read it (never opening a pipe that took the file's place).
				const t = await readTarget(ctx, action.path, action.path);
				const now = t.ok ? t.text : undefined;
				if (now !== action.before) {
					throw new StepFailure(`${action.path} changed while the wizard was running, so it was not written.`, [], {text: 'Run the command again to see the new plan.'}, 'changed');
				}
				await ctx.fs.writeAtomic(action.path, action.after, {mode: action.mode, backup: true});
			} else if (action.kind === 'command' && action.argv[0] === 'chmod' && action.argv[2]) {
				await ctx.fs.chmod(action.argv[2], Number.parseInt(action.argv[1] ?? '600', 8));
			}
		}
	},
};
