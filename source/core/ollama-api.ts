/**
 * Shapes of Ollama's HTTP API replies (ollama.md §7), validated with zod so that a reply with wrong
 * types is a classified `not-ollama` failure rather than a crash.
 */
import * as z from 'zod';

export const versionReply = z.object({version: z.string().min(1)});

export const tagsReply = z.object({
	models: z
		.array(
			z.object({
				name: z.string().min(1),
				model: z.string().optional(),
				remote_host: z.string().optional().nullable(),
				remote_model: z.string().optional().nullable(),
				details: z.object({parameter_size: z.string().optional(), family: z.string().optional()}).partial().optional().nullable(),
			}),
		)
		.nullable(),
});

export const psReply = z.object({models: z.array(z.object({name: z.string()})).nullable()});

export const showReply = z.object({
	model_info: z.record(z.string(), z.unknown()).optional().nullable(),
	details: z.record(z.string(), z.unknown()).optional().nullable(),
	capabilities: z.array(z.string()).optional().nullable(),
});

export const openaiModelsReply = z.object({data: z.array(z.object({id: z.string()})).nullable()});

export const chatChunk = z.object({
	error: z.string().optional(),
	done: z.boolean().optional(),
	message: z.object({content: z.string().optional()}).partial().optional(),
	load_duration: z.number().optional(),
	eval_count: z.number().optional(),
	eval_duration: z.number().optional(),
	done_reason: z.string().optional(),
});

export type TagsModel = NonNullable<z.infer<typeof tagsReply>['models']>[number];

/** Cloud entries run on ollama.com under the server owner's account: skip them (seed-corrections #39). */
export function isCloudModel(m: TagsModel): boolean {
	return Boolean(m.remote_host) || /(-cloud|:cloud)$/i.test(m.name);
}

/** Ollama's name normalisation: `name` means `name:latest`; lookup is case-insensitive (ollama.md §8 row 12). */
export function normaliseModelName(name: string): string {
	const trimmed = name.trim();
	const lastSegment = trimmed.split('/').pop() ?? trimmed;
	return (lastSegment.includes(':') ? trimmed : `${trimmed}:latest`).toLowerCase();
}

export function findModel(models: string[], wanted: string): string | undefined {
	const key = normaliseModelName(wanted);
	return models.find((m) => normaliseModelName(m) === key);
}

/** `model_info.*.context_length` from /api/show (ollama.md §7). */
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
