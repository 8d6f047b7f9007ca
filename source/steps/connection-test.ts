/**
 * Step 6 — the connection test from the AIlice side to Ollama, done the way AIlice really calls
 * Ollama: through its OpenAI-compatible API, GET /v1/models and a streamed chat within 60 s.
 */
import {testConnection, type ConnectionReport} from '../core/connection-test.js';
import type {Ctx} from '../core/context.js';
import {parseOllamaUrl} from '../core/url.js';
import {UsageError} from '../core/exit-codes.js';
import type {Answers, CheckResult, Step} from '../core/types.js';
import {STEP_META} from './meta.js';

export const DEFAULT_SAMPLES = 5;
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CHAT_TIMEOUT_MS = 120_000;

export function reportToResult(report: ConnectionReport): Omit<CheckResult, 'durationMs'> {
	const details: string[] = [];
	if (report.addresses.length) details.push(`Addresses: ${report.addresses.map((a) => `${a.address}${a.tunnel ? ' (tunnel)' : ''}`).join(', ')}`);
	if (report.connectMs !== null) details.push(`TCP connect: ${report.connectMs} ms`);
	if (report.version) details.push(`Ollama version: ${report.version}`);
	if (report.models.length) details.push(`Models: ${report.models.join(', ')}`);
	if (report.model) details.push(`Tested model: ${report.model}`);
	if (report.firstTokenMs !== null) details.push(`First token: ${report.firstTokenMs} ms${report.tokensPerSecond !== null ? `, ${report.tokensPerSecond} tokens/s` : ''}`);
	if (report.latencyMs) details.push(`Latency: min ${report.latencyMs.min} ms, p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms`);
	details.push(...report.warnings.map((w) => `Warning: ${w}`));
	return {
		status: report.status,
		summary: report.message,
		details,
		cause: report.cause,
		remediation: report.fix ? {text: report.fix} : undefined,
		data: {report},
	};
}

export interface ConnectionAnswers {
	url?: string;
	model?: string;
	samples?: number;
	timeoutMs?: number;
	chatTimeoutMs?: number;
}

export async function runConnectionTest(ctx: Ctx, answers: ConnectionAnswers): Promise<ConnectionReport> {
	if (!answers.url) throw new UsageError('No Ollama URL to test.', 'Pass --url http://HOST:11434 (the Twingate Resource alias).');
	const parsed = parseOllamaUrl(answers.url);
	if (!parsed.ok) throw new UsageError(parsed.problem);
	return testConnection(ctx, {
		url: parsed.url,
		model: answers.model,
		samples: answers.samples ?? DEFAULT_SAMPLES,
		timeoutMs: answers.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		chatTimeoutMs: answers.chatTimeoutMs ?? DEFAULT_CHAT_TIMEOUT_MS,
		onProgress: (check, status, message) => ctx.progress(check, status, message),
	});
}

export const connectionTest: Step = {
	...STEP_META['connection-test'],
	async check(ctx, answers: Answers) {
		const a = answers as ConnectionAnswers;
		if (!a.url) {
			return {
				status: 'skipped',
				summary: 'No Ollama URL is known yet, so the connection was not tested.',
				details: [],
				remediation: {text: 'Run `ollama-tunnel-wizard test --url http://HOST:11434` with the Resource alias.'},
			};
		}
		return reportToResult(await runConnectionTest(ctx, a));
	},
	async plan(_ctx, answers) {
		// The test changes nothing: its plan is empty.
		return {actions: [], inputs: {url: (answers as ConnectionAnswers).url ?? null, model: (answers as ConnectionAnswers).model ?? null}};
	},
	async apply() {
		// Nothing to apply: the connection test only observes.
	},
};
