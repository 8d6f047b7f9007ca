/**
 * AIlice-config checks (issue 5): the provider's baseURL ends in /v1 and the configured model is on
 * the server. The config is read where AIlice reads it (ailice.md §2) and parsed as strict JSON.
 */
import type {Ctx} from '../core/context.js';
import {findModel} from '../core/ollama-api.js';
import {parseOllamaUrl} from '../core/url.js';
import {ailiceConfigPath} from '../ailice/paths.js';
import {isPlainObject, parseStrictJson} from '../ailice/json.js';
import type {DoctorCheck, Memo} from './types.js';
import {remoteReport} from './checks.js';

export interface AiliceView {
	path: string;
	/** null when the file does not exist. */
	exists: boolean;
	problem?: string;
	provider?: string;
	baseURL?: string | null;
	models: string[];
	/** The model AIlice will use: modelID or agentModelConfig.DEFAULT when they name this provider. */
	selected?: string;
}

/** Reads AIlice's config once per doctor run and finds the provider that points at Ollama. */
export function readAilice(ctx: Ctx, memo: Memo, override?: string): Promise<AiliceView> {
	return memo.get('ailice-config', async () => {
		const where = ailiceConfigPath(ctx, override);
		let text: string | null;
		try {
			text = await ctx.fs.readText(where.path);
		} catch (error) {
			return {path: where.path, exists: true, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, models: []};
		}
		if (text === null) return {path: where.path, exists: false, models: []};
		const parsed = parseStrictJson(text);
		if (!parsed.ok) return {path: where.path, exists: true, problem: `is not valid JSON at line ${parsed.line}, column ${parsed.column}: ${parsed.message}`, models: []};
		const models = isPlainObject(parsed.value) && isPlainObject(parsed.value.models) ? parsed.value.models : {};
		// The provider to judge: `ollama`, else the first AModelChatGPT provider whose baseURL has port 11434.
		const names = Object.keys(models);
		const pick =
			names.find((n) => n === 'ollama') ??
			names.find((n) => {
				const p = models[n];
				return isPlainObject(p) && typeof p.baseURL === 'string' && /:11434(\/|$)/.test(p.baseURL);
			});
		if (!pick) return {path: where.path, exists: true, models: []};
		const provider = models[pick] as Record<string, unknown>;
		const list = isPlainObject(provider.modelList) ? Object.keys(provider.modelList) : [];
		const top = parsed.value as Record<string, unknown>;
		const ids = [top.modelID, isPlainObject(top.agentModelConfig) ? top.agentModelConfig.DEFAULT : undefined].filter((v): v is string => typeof v === 'string');
		const selected = ids.map((id) => id.split(/:(.*)/s)).find(([p]) => p === pick)?.[1];
		return {path: where.path, exists: true, provider: pick, baseURL: typeof provider.baseURL === 'string' ? provider.baseURL : null, models: list, selected};
	});
}

export const ailiceBaseUrl: DoctorCheck = {
	id: 'ailice.base-url',
	layer: 'ailice',
	title: "AIlice's baseURL points at Ollama and ends in /v1",
	roles: ['client'],
	required: true,
	fixStep: 'ailice-config',
	async run(ctx, input, memo) {
		const a = await readAilice(ctx, memo, input.ailiceConfig);
		if (a.problem) return {status: 'fail', detail: `${a.path} ${a.problem}`, cause: 'ailice-config'};
		if (!a.exists) return {status: 'fail', detail: `no AIlice config at ${a.path}`, cause: 'ailice-config'};
		if (!a.provider) return {status: 'fail', detail: `${a.path} has no Ollama provider (models.ollama)`, cause: 'ailice-config'};
		const base = a.baseURL;
		if (!base) return {status: 'fail', detail: `models.${a.provider}.baseURL is not set`, cause: 'wrong-address'};
		// AIlice posts to {baseURL}/chat/completions: without /v1 that is a 404 (ailice.md §8).
		if (!/\/v1\/?$/.test(base)) return {status: 'fail', detail: `models.${a.provider}.baseURL is ${base}: it must end in /v1`, cause: 'wrong-address', evidence: {baseURL: base}};
		const u = parseOllamaUrl(base);
		if (!u.ok) return {status: 'fail', detail: `models.${a.provider}.baseURL ${base}: ${u.problem}`, cause: 'wrong-address'};
		if (u.url.cgnat) return {status: 'fail', detail: `baseURL uses ${u.url.host}, a 100.x tunnel handle; use the Resource alias`, cause: 'wrong-address'};
		if (input.url && input.url.origin !== u.url.origin) return {status: 'warn', detail: `baseURL ${base} differs from the URL tested (${input.url.origin})`, evidence: {baseURL: base}};
		return {status: 'ok', detail: `models.${a.provider}.baseURL = ${base}`, evidence: {baseURL: base}};
	},
};

export const ailiceModel: DoctorCheck = {
	id: 'ailice.model',
	layer: 'ailice',
	title: "AIlice's configured model is on the server",
	roles: ['client'],
	required: true,
	fixStep: 'ailice-config',
	async run(ctx, input, memo) {
		const a = await readAilice(ctx, memo, input.ailiceConfig);
		if (!a.exists || !a.provider || a.problem) return {status: 'skipped', detail: 'no Ollama provider in AIlice’s config'};
		const report = await remoteReport(ctx, input, memo);
		const server = report && report.models.length ? report.models : null;
		if (!server) return {status: 'skipped', detail: 'the server’s model list is unknown (the connection test did not get it)'};
		const wanted = a.selected ? [a.selected] : a.models;
		const missing = wanted.filter((m) => !findModel(server, m));
		if (missing.length) return {status: 'fail', detail: `${missing.join(', ')} not on the server, which has: ${server.join(', ') || 'none'}`, cause: 'model-missing'};
		return {status: 'ok', detail: `${wanted.join(', ')} on the server`};
	},
};
