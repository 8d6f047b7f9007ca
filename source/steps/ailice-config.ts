/**
 * Step 4 — AIlice's config.json, at the path AIlice really reads (ailice.md §2; seed-corrections #16),
 * with the Ollama provider AIlice can use: AModelChatGPT (AModelOllama does not exist, #17), apikey
 * "ollama" (#20), baseURL ending in /v1 (#18), model names exactly as /api/tags lists them (#22),
 * AFormatterGPT (#23), contextWindow from /api/show capped to 8192 (#24), systemAsUser false (#25),
 * optionally modelID and agentModelConfig.DEFAULT (#26). Plus the web app's overlay (ailice.md §7)
 * and, when asked, the .env for the step-5 container (which AIlice itself never reads, #40).
 */
import {StepFailure} from '../core/runner.js';
import type {Answers, CheckResult, Plan, Step} from '../core/types.js';
import {analyse, type AiliceAnswers, type Analysis} from '../ailice/analyse.js';
import {STEP_META} from './meta.js';

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
		return analysisToResult(await analyse(ctx, answers as AiliceAnswers));
	},
	async plan(ctx, answers: Answers) {
		const an = await analyse(ctx, answers as AiliceAnswers);
		const plan: Plan = {actions: an.problem ? [] : an.actions, inputs: an.inputs, notes: an.problem ? [an.problem.summary] : [...an.info, ...an.warnings]};
		return plan;
	},
	async apply(ctx, plan) {
		for (const action of plan.actions) {
			if (action.kind === 'file') {
				const now = await ctx.fs.readText(action.path);
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
