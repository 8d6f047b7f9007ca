/**
 * The pure merge of the Ollama provider into AIlice's config.json text, and of the provider-level keys
 * into the web app's overlay `user_config.json`. Every other key, its order and its formatting stay as
 * they were (ailice.md §3 "Editing rule for the wizard"); setting values that are already right
 * changes nothing, so a second run produces the identical text.
 */
import {normaliseModelName} from '../core/ollama-api.js';
import {detectFormatting, isPlainObject, jsonEqual, parseStrictJson, setJsonValue, type JsonObject} from './json.js';
import {FORBIDDEN_ARGS} from './schema.js';

export interface ModelSpec {
	/** Exactly as Ollama's /api/tags reports it, e.g. `qwen2.5-coder:7b` (seed-corrections #22). */
	name: string;
	contextWindow: number;
}

export interface ProviderSpec {
	/** Provider name in `models` (default `ollama`; ailice.md §11). */
	provider: string;
	/** `http://HOST:11434/v1` (ailice.md §8). */
	baseURL: string;
	models: ModelSpec[];
	/** Also set `modelID` and `agentModelConfig.DEFAULT` to `<provider>:<first model>` (ailice.md §6). */
	setDefault: boolean;
}

export interface MergeResult {
	text: string;
	/** One line per value set, e.g. `models.ollama.baseURL: "http://a/v1" → "http://b/v1"`. */
	changes: string[];
	/** The modelList key used for each chosen model (an existing `llama3.2` stays `llama3.2`). */
	keys: Record<string, string>;
	/** `<provider>:<key of the first model>`. */
	defaultId: string;
}

/** The config is valid JSON but has a shape the wizard will not guess about. */
export class ConfigShapeError extends Error {
	constructor(
		message: string,
		readonly path: string,
	) {
		super(message);
		this.name = 'ConfigShapeError';
	}
}

/** AIlice's provider-level keys for an Ollama server (ailice.md §1, §5; seed-corrections #17, #20). */
export function providerKeys(baseURL: string): {modelWrapper: string; apikey: string; baseURL: string} {
	return {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL};
}

/** One model entry (ailice.md §5), keeping what the user chose before where it is still valid. */
export function modelEntry(spec: ModelSpec, existing?: unknown): JsonObject {
	const e = isPlainObject(existing) ? existing : {};
	const args = isPlainObject(e.args) && !FORBIDDEN_ARGS.some((k) => Object.hasOwn(e.args as JsonObject, k)) ? e.args : {};
	return {
		formatter: e.formatter === 'AFormatterGPTVision' ? 'AFormatterGPTVision' : 'AFormatterGPT',
		contextWindow: spec.contextWindow,
		systemAsUser: typeof e.systemAsUser === 'boolean' ? e.systemAsUser : false,
		args,
	};
}

function showValue(v: unknown): string {
	if (v === undefined) return '(absent)';
	const s = JSON.stringify(v);
	return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function label(parts: string[]): string {
	return parts.map((p) => (/^[A-Za-z_][\w-]*$/.test(p) ? p : JSON.stringify(p))).join('.');
}

function keyFor(modelList: JsonObject | undefined, name: string): string {
	if (!modelList) return name;
	if (Object.hasOwn(modelList, name)) return name;
	const wanted = normaliseModelName(name);
	return Object.keys(modelList).find((k) => normaliseModelName(k) === wanted) ?? name;
}

/** The minimal valid file of ailice.md §11, when none exists yet. */
export function minimalConfig(spec: ProviderSpec): MergeResult {
	const modelList: JsonObject = {};
	const keys: Record<string, string> = {};
	for (const m of spec.models) {
		modelList[m.name] = modelEntry(m);
		keys[m.name] = m.name;
	}
	const first = spec.models[0]?.name ?? '';
	const defaultId = `${spec.provider}:${first}`;
	const doc: JsonObject = {};
	if (spec.setDefault) {
		doc.modelID = defaultId;
		doc.agentModelConfig = {DEFAULT: defaultId};
	}
	doc.models = {[spec.provider]: {...providerKeys(spec.baseURL), modelList}};
	return {text: `${JSON.stringify(doc, null, 2)}\n`, changes: ['created the file with the provider ' + spec.provider], keys, defaultId};
}

/** Edits JSON text in place (keeping every other byte), recording a readable line per change. */
function textEditor(before: string) {
	const fmt = detectFormatting(before);
	const changes: string[] = [];
	let text = before;
	const set = (parts: string[], current: unknown, value: unknown) => {
		if (jsonEqual(current, value)) return;
		text = setJsonValue(text, parts, value, fmt);
		changes.push(current === undefined ? `${label(parts)}: added` : `${label(parts)}: ${showValue(current)} → ${showValue(value)}`);
	};
	return {set, changes, text: () => text};
}

/**
 * Merges the provider into existing config.json text (which must parse; see parseStrictJson).
 * Throws ConfigShapeError when the top level or `models` has a type AIlice would crash on.
 */
export function mergeAiliceConfig(before: string | null, spec: ProviderSpec): MergeResult {
	if (spec.models.length === 0) throw new Error('mergeAiliceConfig needs at least one model');
	if (before === null) return minimalConfig(spec);
	const parsed = parseStrictJson(before);
	if (!parsed.ok) throw new ConfigShapeError(`config.json is not valid JSON (line ${parsed.line}, column ${parsed.column}: ${parsed.message})`, '(top level)');
	const doc = parsed.value;
	if (!isPlainObject(doc)) throw new ConfigShapeError('the top level of config.json is not a JSON object (AIlice raises TypeError on it)', '(top level)');

	const editor = textEditor(before);
	const {set, changes} = editor;

	const models = doc.models;
	if (models !== undefined && !isPlainObject(models)) {
		throw new ConfigShapeError(`"models" in config.json is ${showValue(models)}, not an object; AIlice would crash on it. Fix or remove that key, then run the wizard again.`, 'models');
	}
	const provider = models?.[spec.provider];
	if (provider !== undefined && !isPlainObject(provider)) {
		throw new ConfigShapeError(`"models.${spec.provider}" in config.json is ${showValue(provider)}, not an object. Fix or remove it, or choose another --provider name.`, `models.${spec.provider}`);
	}
	const oldList = provider?.modelList;
	const modelList = isPlainObject(oldList) ? oldList : undefined;

	const keys: Record<string, string> = {};
	for (const m of spec.models) keys[m.name] = keyFor(modelList, m.name);
	const first = spec.models[0];
	const defaultId = `${spec.provider}:${first ? keys[first.name] : ''}`;

	if (!provider) {
		const list: JsonObject = {};
		for (const m of spec.models) list[m.name] = modelEntry(m);
		set(['models', spec.provider], undefined, {...providerKeys(spec.baseURL), modelList: list});
	} else {
		const want = providerKeys(spec.baseURL);
		for (const k of ['modelWrapper', 'apikey', 'baseURL'] as const) set(['models', spec.provider, k], provider[k], want[k]);
		if (!modelList) {
			const list: JsonObject = {};
			for (const m of spec.models) list[m.name] = modelEntry(m);
			set(['models', spec.provider, 'modelList'], oldList, list);
		} else {
			for (const m of spec.models) {
				const key = keys[m.name] ?? m.name;
				const existing = modelList[key];
				const entry = modelEntry(m, existing);
				if (!isPlainObject(existing)) {
					set(['models', spec.provider, 'modelList', key], existing, entry);
					continue;
				}
				// Field by field, so unknown keys in the entry stay (ailice.md §3: kept as written).
				for (const [field, value] of Object.entries(entry)) set(['models', spec.provider, 'modelList', key, field], existing[field], value);
			}
		}
	}

	if (spec.setDefault) {
		set(['modelID'], doc.modelID, defaultId);
		const agents = doc.agentModelConfig;
		// agentModelConfig is replaced wholesale by AIlice (ailice.md §3): set DEFAULT, keep the rest.
		if (isPlainObject(agents)) set(['agentModelConfig', 'DEFAULT'], agents.DEFAULT, defaultId);
		else set(['agentModelConfig'], agents, {DEFAULT: defaultId});
	}

	// The edit must mean exactly the intended document.
	const text = editor.text();
	const check = parseStrictJson(text);
	if (!check.ok) throw new Error(`internal error: the merged config.json does not parse (line ${check.line}, column ${check.column})`);
	return {text, changes, keys, defaultId};
}

export interface OverlaySpec {
	provider: string;
	baseURL: string;
	/** Set agentModelConfig.DEFAULT when the overlay has agentModelConfig (it replaces config.json's; ailice.md §7). */
	defaultId: string | null;
}

export type OverlayMerge =
	| {kind: 'updated' | 'unchanged'; text: string; changes: string[]}
	| {kind: 'not-named'; text: string; changes: string[]}
	| {kind: 'invalid'; reason: string};

/**
 * The web app's `user_config.json` overlay (ailice.md §7): when it names the provider, its
 * provider-level keys replace config.json's, so they are set to the same values.
 */
export function mergeOverlay(before: string, spec: OverlaySpec): OverlayMerge {
	const parsed = parseStrictJson(before);
	if (!parsed.ok) return {kind: 'invalid', reason: `it is not valid JSON (line ${parsed.line}, column ${parsed.column}: ${parsed.message})`};
	const doc = parsed.value;
	if (!isPlainObject(doc)) return {kind: 'invalid', reason: 'its top level is not a JSON object'};
	const models = doc.models;
	if (models !== undefined && !isPlainObject(models)) return {kind: 'invalid', reason: '"models" in it is not an object'};
	const provider = models?.[spec.provider];
	const editor = textEditor(before);
	const {set, changes} = editor;
	const agents = doc.agentModelConfig;
	if (spec.defaultId && isPlainObject(agents)) set(['agentModelConfig', 'DEFAULT'], agents.DEFAULT, spec.defaultId);
	if (provider === undefined) return {kind: 'not-named', text: editor.text(), changes};
	if (!isPlainObject(provider)) return {kind: 'invalid', reason: `"models.${spec.provider}" in it is not an object`};
	const want = providerKeys(spec.baseURL);
	for (const k of ['modelWrapper', 'apikey', 'baseURL'] as const) set(['models', spec.provider, k], provider[k], want[k]);
	return {kind: changes.length ? 'updated' : 'unchanged', text: editor.text(), changes};
}
