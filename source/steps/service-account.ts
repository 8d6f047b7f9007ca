/**
 * Step 5 — production access with a Twingate service account: a deployment folder with AIlice and
 * the headless Twingate *Client* in one container (https://www.twingate.com/docs/services): a
 * Dockerfile, entrypoint.sh, .env.example, README.md and the `docker run` line with
 * `--cap-add NET_ADMIN --device /dev/net/tun`. The service key is checked (JSON with `network`),
 * never printed, never copied into the folder.
 */
import type {Answers, CheckResult, Plan, Step} from '../core/types.js';
import {analyseDeploy, type DeployAnalysis, type DeployAnswers} from '../deploy/analyse.js';
import {STEP_META} from './meta.js';
import {count} from '../core/words.js';

export function deployToResult(an: DeployAnalysis): Omit<CheckResult, 'durationMs'> {
	const data = {out: an.out, changes: an.changes, runLines: an.runLines};
	if (an.notRequested) {
		return {
			status: 'skipped',
			summary: 'The production container (step 5) was not requested, so no deployment folder was generated.',
			details: [],
			remediation: {text: 'Run `ollama-tunnel-wizard service-account [--out DIR] [--service-key-file PATH]`, or pass --out DIR to the setup.'},
			data,
		};
	}
	if (an.problem) return {status: 'fail', summary: an.problem.summary, details: an.problem.details, cause: an.problem.cause, remediation: an.problem.remediation, data};
	const warnings = an.warnings.map((w) => `Warning: ${w}`);
	if (an.actions.length) {
		return {
			status: 'fail',
			summary: `The deployment folder ${an.out} needs ${count(an.actions.length, 'change')}.`,
			details: [...an.changes, ...warnings],
			cause: 'not-generated',
			remediation: {text: 'Apply the plan (run again without --dry-run, and confirm or pass --yes).'},
			data,
		};
	}
	return {
		status: an.warnings.length ? 'warn' : 'ok',
		summary: `The deployment folder ${an.out} is up to date (Dockerfile, entrypoint.sh, .env.example, README.md).`,
		details: [...warnings, 'Build and run:', ...an.runLines.flatMap((l) => l.split('\n')).map((l) => `  ${l}`)],
		data,
	};
}

export const serviceAccount: Step = {
	...STEP_META['service-account'],
	async check(ctx, answers: Answers) {
		return deployToResult(await analyseDeploy(ctx, answers as DeployAnswers));
	},
	async plan(ctx, answers: Answers): Promise<Plan> {
		const an = await analyseDeploy(ctx, answers as DeployAnswers);
		if (an.problem) return {actions: [], inputs: an.inputs, notes: [an.problem.summary]};
		return {actions: [...an.actions, ...an.manual], inputs: an.inputs, notes: an.warnings};
	},
	async apply(ctx, plan) {
		const out = String(plan.inputs.out);
		await ctx.fs.mkdirp(out, 0o755);
		for (const action of plan.actions) {
			if (action.kind === 'file') {
				await ctx.fs.writeAtomic(action.path, action.after, {mode: action.mode, backup: true});
			} else if (action.kind === 'command' && action.argv[0] === 'chmod' && action.argv[2]) {
				await ctx.fs.chmod(action.argv[2], Number.parseInt(action.argv[1] ?? '600', 8));
			}
		}
	},
};
