/**
 * AIlice-config checks: the provider's baseURL ends in /v1 and the configured model is on the
 * server. The config is read where AIlice reads it (appdirs' user config folder, or --ailice-config)
 * with the wizard's safe reader: a folder, a named pipe, a device such as /dev/zero or a socket is
 * refused before it is opened (so doctor never waits or reads forever), and invalid UTF-8 is refused
 * with its line and column, never read as U+FFFD. It is then parsed as strict JSON.
 */
import type {Ctx} from '../core/context.js';
import {matchModel} from '../core/ollama-api.js';
import {parseOllamaUrl} from '../core/url.js';
import {readTarget} from '../ailice/files.js';
import {ailiceConfigPath} from '../ailice/paths.js';
import {isPlainObject, parseStrictJson} from '../ailice/json.js';
import type {DoctorCheck, Memo} from './types.js';
import {remoteReport} from './checks.js';

export interface AiliceView {
	path: string;
	/** false when the file does not exist. */
	exists: boolean;
	/** Why the file cannot be used, as the rest of a sentence that starts with the path ("is not valid JSON …"). */
	problem?: string;
	/** A refusal of the reader: a whole sentence that names the file (shown instead of `path problem`). */
	refusal?: string;
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
		// Read as AIlice would, never opening a pipe or device; a link to a regular file is followed.
		const t = await readTarget(ctx, where.path, "AIlice's config.json", {input: true});
		if (!t.ok) return {path: where.path, exists: true, problem: 'cannot be used', refusal: t.problem, models: []};
		if (!t.exists) return {path: where.path, exists: false, models: []};
		const parsed = parseStrictJson(t.text);
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
		if (a.problem) return {status: 'fail', detail: a.refusal ?? `${a.path} ${a.problem}`, cause: 'ailice-config'};
		if (!a.exists) return {status: 'fail', detail: `no AIlice config at ${a.path}`, cause: 'ailice-config'};
		if (!a.provider) return {status: 'fail', detail: `${a.path} has no Ollama provider (models.ollama)`, cause: 'ailice-config'};
		const base = a.baseURL;
		if (!base) return {status: 'fail', detail: `models.${a.provider}.baseURL is not set`, cause: 'wrong-address'};
		// AIlice posts to {baseURL}/chat/completions: without /v1 that is a 404.
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
		if (a.problem) return {status: 'skipped', detail: `AIlice’s config at ${a.path} cannot be used (see the baseURL check)`};
		if (!a.exists || !a.provider) return {status: 'skipped', detail: 'no Ollama provider in AIlice’s config'};
		const report = await remoteReport(ctx, input, memo);
		const server = report && report.models.length ? report.models : null;
		if (!server) return {status: 'skipped', detail: 'the server’s model list is unknown (the connection test did not get it)'};
		const wanted = a.selected ? [a.selected] : a.models;
		// Exactly as Ollama matches names: no trimming or Unicode folding.
		const missing = wanted.filter((m) => matchModel(server, m) === undefined);
		if (missing.length) return {status: 'fail', detail: `${missing.join(', ')} not on the server, which has: ${server.join(', ') || 'none'}`, cause: 'model-missing'};
		return {status: 'ok', detail: `${wanted.join(', ')} on the server`};
	},
};
