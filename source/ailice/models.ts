/**
 * The live model list (`GET /api/tags`) and each model's context length (`POST /api/show`,
 * `model_info.*.context_length`) through ctx.http with bounded timeouts. Failures are classified
 * with the connection test's causes, so the message names the broken layer. The model list is read
 * up to TAGS_MAX_BYTES (16 MiB, well over 10,000 models); a longer one is reported as too large, with
 * its size, never as "not Ollama". Within one run the list of an origin is read once (see
 * {@link fetchModels}).
 */
import {NetError, type Ctx, type HttpResponse} from '../core/context.js';
import {causeFromNetCode, explain, type Cause, type Diagnosis} from '../core/causes.js';
import {formatBytes, sizeReached} from '../core/connection-test.js';
import {contextLengthOf, isCloudModel, matchModel, ollamaNameKey, showReply, TAGS_MAX_BYTES, tagsReply, type TagsModel} from '../core/ollama-api.js';
import type {OllamaUrl} from '../core/url.js';

export const MODELS_TIMEOUT_MS = 5000;
/** /api/show: a model's details, license and template; never near this long. */
const SHOW_MAX_BYTES = 4 * 1024 * 1024;

export type Fetched<T> = {ok: true; value: T} | {ok: false; diagnosis: Diagnosis};

export interface LiveModels {
	/** Every name /api/tags lists, in its order. */
	names: string[];
	/** Names that run on the server itself (cloud entries, which run on ollama.com, left out). */
	local: string[];
	cloud: string[];
}

function failed(url: OllamaUrl, cause: Cause, extra: {detail?: string; path?: string; model?: string; models?: string[]; size?: string} = {}): {ok: false; diagnosis: Diagnosis} {
	return {ok: false, diagnosis: explain(cause, {host: url.host, port: url.port, ...extra})};
}

async function requestJson(ctx: Ctx, url: OllamaUrl, path: string, timeoutMs: number, body?: unknown): Promise<Fetched<{status: number; json: unknown; text: string}>> {
	const list = path === '/api/tags';
	const maxBodyBytes = list ? TAGS_MAX_BYTES : SHOW_MAX_BYTES;
	let r: HttpResponse;
	try {
		r = await ctx.http.request(`${url.origin}${path}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: body === undefined ? undefined : {'content-type': 'application/json'},
			body: body === undefined ? undefined : JSON.stringify(body),
			timeoutMs,
			bodyTimeoutMs: timeoutMs,
			maxBodyBytes,
		});
	} catch (error) {
		if (ctx.signal.aborted) throw error;
		const code = error instanceof NetError ? error.code : 'EUNKNOWN';
		return failed(url, causeFromNetCode(code), {detail: `${body === undefined ? 'GET' : 'POST'} ${path}: ${(error as Error).message}`});
	}
	if (r.status === 403) return failed(url, 'forbidden', {path});
	if (r.status >= 500) return failed(url, 'server-error', {detail: `HTTP ${r.status} on ${path}`});
	if (/text\/html/i.test(r.headers['content-type'] ?? '')) return failed(url, 'not-ollama', {detail: `an HTML page on ${path}`});
	if (r.truncated) {
		// A model list grows with the models a server has: too large is what it is.
		if (list) return failed(url, 'too-large', {path, size: sizeReached(r, maxBodyBytes)});
		return failed(url, 'not-ollama', {detail: `${path} answered with more than ${formatBytes(maxBodyBytes)}`});
	}
	let json: unknown = null;
	try {
		json = r.text === '' ? null : JSON.parse(r.text);
	} catch {
		if (r.status === 200) return failed(url, 'not-ollama', {detail: `${path} did not return JSON`});
	}
	return {ok: true, value: {status: r.status, json, text: r.text}};
}

async function readModels(ctx: Ctx, url: OllamaUrl, timeoutMs: number): Promise<Fetched<LiveModels>> {
	const r = await requestJson(ctx, url, '/api/tags', timeoutMs);
	if (!r.ok) return r;
	if (r.value.status === 404) return failed(url, 'not-found', {path: '/api/tags'});
	if (r.value.status !== 200) return failed(url, 'not-ollama', {detail: `HTTP ${r.value.status} on /api/tags`});
	const parsed = tagsReply.safeParse(r.value.json);
	if (!parsed.success) return failed(url, 'not-ollama', {detail: '/api/tags does not list models in Ollama’s format'});
	const all: TagsModel[] = parsed.data.models ?? [];
	return {
		ok: true,
		value: {names: all.map((m) => m.name), local: all.filter((m) => !isCloudModel(m)).map((m) => m.name), cloud: all.filter(isCloudModel).map((m) => m.name)},
	};
}

/**
 * Which run a model-list read belongs to. `run` lives as long as the run (the session's answers
 * object); `step` is the context of one step run (the runner gives each run of a step its own ctx,
 * shared by its check, plan and verification).
 */
export interface ModelsMemo {
	run: object;
	step?: object;
}

interface Memoised {
	/** The step run that used the read; null while only the questions or flag checks before the step did. */
	owner: object | null;
	result: Promise<Fetched<LiveModels>>;
}

/** Reads of /api/tags by run and origin. Keyed weakly by the run's own object: nothing outlives the run. */
const READS = new WeakMap<object, Map<string, Memoised>>();

/**
 * The server's model list. With `memo`, /api/tags is read once per run and origin, failures
 * included (a server that trickles its body costs one deadline, not one per look): the questions
 * and flag checks before a step (no `memo.step`) and the step's check, plan and verification share
 * one read. What a finished step run read is not reused by a new run of the step or its questions
 * (a retry after a failure, when the user may have fixed the tunnel or pulled a model): they read again.
 */
export function fetchModels(ctx: Ctx, url: OllamaUrl, timeoutMs = MODELS_TIMEOUT_MS, memo?: ModelsMemo): Promise<Fetched<LiveModels>> {
	if (!memo) return readModels(ctx, url, timeoutMs);
	let byOrigin = READS.get(memo.run);
	if (!byOrigin) {
		byOrigin = new Map();
		READS.set(memo.run, byOrigin);
	}
	const owner = memo.step ?? null;
	const known = byOrigin.get(url.origin);
	if (known && (known.owner === null || known.owner === owner)) {
		if (owner !== null) known.owner = owner;
		return known.result;
	}
	const result = readModels(ctx, url, timeoutMs);
	byOrigin.set(url.origin, {owner, result});
	return result;
}

/** The model's own context length, or null when /api/show does not say. */
export async function fetchContextLength(ctx: Ctx, url: OllamaUrl, model: string, timeoutMs = MODELS_TIMEOUT_MS): Promise<Fetched<number | null>> {
	const r = await requestJson(ctx, url, '/api/show', timeoutMs, {model});
	if (!r.ok) return r;
	if (r.value.status === 404) return failed(url, 'model-missing', {model});
	if (r.value.status !== 200) return failed(url, 'not-ollama', {detail: `HTTP ${r.value.status} on /api/show`});
	const parsed = showReply.safeParse(r.value.json);
	if (!parsed.success) return {ok: true, value: null};
	return {ok: true, value: contextLengthOf(parsed.data)};
}

export type Resolved = {ok: true; names: string[]} | {ok: false; missing: string[]};

// One implementation of Ollama's name matching for the whole wizard: it lives with the reply shapes.
export {matchModel, ollamaNameKey};

/** Maps the names the user gave onto the names the server reports (`llama3.2` → `llama3.2:latest`). */
export function resolveModelNames(live: LiveModels, wanted: string[]): Resolved {
	const names: string[] = [];
	const missing: string[] = [];
	for (const w of wanted) {
		const found = matchModel(live.names, w);
		if (found !== undefined) {
			if (!names.includes(found)) names.push(found);
		} else missing.push(w);
	}
	return missing.length ? {ok: false, missing} : {ok: true, names};
}
