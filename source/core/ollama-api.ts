/**
 * Shapes of Ollama's HTTP API replies (https://github.com/ollama/ollama/blob/main/docs/api.md),
 * validated with zod so that a reply with wrong types is a classified `not-ollama` failure rather
 * than a crash. Every string a reply carries that may be shown is made terminal-safe here, as it
 * enters: names through sanitizeName (an unsafe name can never match a clean one), other text
 * through sanitizeText.
 */
import * as z from 'zod';
import {sanitizeName, sanitizeText} from './sanitize.js';

/**
 * How much of /api/tags is read. An entry of a real server is about 500 bytes, so 16 MiB holds
 * well over 10,000 models; a longer reply is reported as too large, never as "not Ollama".
 */
export const TAGS_MAX_BYTES = 16 * 1024 * 1024;

const text = () => z.string().transform(sanitizeText);
const name = () => z.string().transform(sanitizeName);

export const versionReply = z.object({version: z.string().min(1).transform(sanitizeText)});

export const tagsReply = z.object({
	models: z
		.array(
			z.object({
				name: z.string().min(1).transform(sanitizeName),
				model: name().optional(),
				remote_host: text().optional().nullable(),
				remote_model: name().optional().nullable(),
				details: z.object({parameter_size: text().optional(), family: text().optional()}).partial().optional().nullable(),
			}),
		)
		.nullable(),
});

export const psReply = z.object({models: z.array(z.object({name: name()})).nullable()});

export const showReply = z.object({
	model_info: z.record(z.string(), z.unknown()).optional().nullable(),
	details: z.record(z.string(), z.unknown()).optional().nullable(),
	capabilities: z.array(text()).optional().nullable(),
});

export const openaiModelsReply = z.object({data: z.array(z.object({id: name()})).nullable()});

export const chatChunk = z.object({
	error: text().optional(),
	done: z.boolean().optional(),
	message: z.object({content: z.string().optional()}).partial().optional(),
	load_duration: z.number().optional(),
	eval_count: z.number().optional(),
	eval_duration: z.number().optional(),
	done_reason: z.string().optional(),
});

export type TagsModel = NonNullable<z.infer<typeof tagsReply>['models']>[number];

/** Cloud entries run on ollama.com under the server owner's account: skip them. */
export function isCloudModel(m: TagsModel): boolean {
	return Boolean(m.remote_host) || /(-cloud|:cloud)$/i.test(m.name);
}

/**
 * Ollama's lookup key for a model name, and nothing more: a name without a tag (in its last path
 * segment) means `name:latest`, and letters compare case-insensitively. Only ASCII letters are
 * folded (Ollama's names are ASCII) and nothing is trimmed, so `llama3.2:latest ` (trailing space)
 * or `llama3.2\u00a0` (no-break space) never stands for `llama3.2`. The one implementation for the
 * whole wizard (step 4, the connection test, the doctor).
 */
export function ollamaNameKey(name: string): string {
	const slash = name.lastIndexOf('/');
	const tagged = name.indexOf(':', slash + 1) >= 0 ? name : `${name}:latest`;
	return tagged.replace(/[A-Z]+/g, (c) => c.toLowerCase());
}

/** The server's name for `wanted`: the exact name when listed, else the one with the same lookup key. */
export function matchModel(names: readonly string[], wanted: string): string | undefined {
	if (names.includes(wanted)) return wanted;
	const key = ollamaNameKey(wanted);
	return names.find((n) => ollamaNameKey(n) === key);
}

/** The listed name `wanted` stands for (see {@link matchModel}). */
export const findModel: (models: readonly string[], wanted: string) => string | undefined = matchModel;

/** `model_info.*.context_length` from /api/show. */
export function contextLengthOf(show: z.infer<typeof showReply>): number | null {
	for (const [key, value] of Object.entries(show.model_info ?? {})) {
		if (key.endsWith('.context_length') && typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
	}
	return null;
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*(:[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/** A model name as a flag or prompt value: `<name>[:<tag>]`, optional namespace; no `..`, spaces or shell characters. */
export function validateModelName(name: string): {ok: true} | {ok: false; problem: string} {
	const shown = name.length > 60 ? `${JSON.stringify(name.slice(0, 57))}…` : JSON.stringify(name);
	if (name.trim() === '') return {ok: false, problem: 'The model name is empty; use a name the server lists, e.g. llama3.2:latest'};
	if (name.length > 200) return {ok: false, problem: `The model name ${shown} is too long (over 200 characters).`};
	if (name.includes('..') || !MODEL_NAME.test(name)) {
		return {ok: false, problem: `The model name ${shown} is not a valid Ollama model name (<name>[:<tag>], letters, digits, . _ - and /, no "..").`};
	}
	return {ok: true};
}
