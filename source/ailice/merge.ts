/**
 * The pure merge of the Ollama provider into AIlice's config.json text, and of the provider-level keys
 * into the web app's overlay `user_config.json`. Every other key, its order and its formatting stay as
 * they were; setting values that are already right changes nothing, so a second run produces the
 * identical text.
 *
 * Names from input (provider and model names) are looked up as own properties only and stored with
 * `setOwn`, so `constructor`, `__proto__` or `toString` are ordinary names, not Object.prototype's.
 */
import {detectFormatting, isPlainObject, jsonEqual, own, parseStrictJson, setJsonValue, setOwn, type JsonObject} from './json.js';
import {ollamaNameKey} from './models.js';
import {changedJsonBoth, type JsonChange} from '../core/owned-part.js';
import {FORBIDDEN_ARGS} from './schema.js';

export interface ModelSpec {
	/** Exactly as Ollama's /api/tags reports it, e.g. `qwen2.5-coder:7b`. */
	name: string;
	contextWindow: number;
}

export interface ProviderSpec {
	/** Provider name in `models` (default `ollama`). */
	provider: string;
	/** `http://HOST:11434/v1`: Ollama's OpenAI-compatible API. */
	baseURL: string;
	models: ModelSpec[];
	/** Also set `modelID` and `agentModelConfig.DEFAULT` to `<provider>:<first model>`. */
	setDefault: boolean;
}

export interface MergeResult {
	text: string;
	/** One line per value set, e.g. `models.ollama.baseURL: "http://a/v1" → "http://b/v1"`. */
	changes: string[];
	/** The modelList key used for each chosen model (an existing `llama3.2` stays `llama3.2`). */
	keys: Map<string, string>;
	/** `<provider>:<key of the first model>`. */
	defaultId: string;
	/** The merged document (the parsed `text`). */
	doc: unknown;
	/**
	 * What the edit changed, as the parse of the two texts would find it (see changedJsonBoth), worked
	 * out from the values set instead of parsing both texts; absent when the file is created or the
	 * edits overlap (then whoever needs it parses).
	 */
	changed?: JsonChange;
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

/**
 * AIlice's provider-level keys for an Ollama server: AIlice has no Ollama wrapper, so Ollama is an
 * OpenAI-compatible provider (AModelChatGPT); Ollama ignores the API key, but one must be set.
 */
export function providerKeys(baseURL: string): {modelWrapper: string; apikey: string; baseURL: string} {
	return {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL};
}

/** One model entry, keeping what the user chose before where it is still valid. */
export function modelEntry(spec: ModelSpec, existing?: unknown): JsonObject {
	const oldArgs = own(existing, 'args');
	const args = isPlainObject(oldArgs) && !FORBIDDEN_ARGS.some((k) => Object.hasOwn(oldArgs, k)) ? oldArgs : {};
	const systemAsUser = own(existing, 'systemAsUser');
	return {
		formatter: own(existing, 'formatter') === 'AFormatterGPTVision' ? 'AFormatterGPTVision' : 'AFormatterGPT',
		contextWindow: spec.contextWindow,
		systemAsUser: typeof systemAsUser === 'boolean' ? systemAsUser : false,
		args,
	};
}

function showValue(v: unknown): string {
	if (v === undefined) return '(absent)';
	const s = JSON.stringify(v) ?? typeof v;
	return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function label(parts: string[]): string {
	return parts.map((p) => (/^[A-Za-z_][\w-]*$/.test(p) ? p : JSON.stringify(p))).join('.');
}

function keyFor(modelList: JsonObject | undefined, name: string): string {
	if (!modelList) return name;
	if (Object.hasOwn(modelList, name)) return name;
	const wanted = ollamaNameKey(name);
	return Object.keys(modelList).find((k) => ollamaNameKey(k) === wanted) ?? name;
}

/** A modelList object with one entry per model (own properties, whatever the names). */
function newModelList(models: ModelSpec[]): JsonObject {
	const list: JsonObject = {};
	for (const m of models) setOwn(list, m.name, modelEntry(m));
	return list;
}

/** `{[name]: value}` as an own property, whatever the name. */
function single(name: string, value: unknown): JsonObject {
	const o: JsonObject = {};
	setOwn(o, name, value);
	return o;
}

/** The smallest valid config.json for this provider, when none exists yet. */
export function minimalConfig(spec: ProviderSpec): MergeResult {
	const modelList = newModelList(spec.models);
	const keys = new Map(spec.models.map((m) => [m.name, m.name]));
	const first = spec.models[0]?.name ?? '';
	const defaultId = `${spec.provider}:${first}`;
	const doc: JsonObject = {};
	if (spec.setDefault) {
		doc.modelID = defaultId;
		doc.agentModelConfig = {DEFAULT: defaultId};
	}
	doc.models = single(spec.provider, {...providerKeys(spec.baseURL), modelList});
	return {text: `${JSON.stringify(doc, null, 2)}\n`, changes: ['created the file with the provider ' + spec.provider], keys, defaultId, doc};
}

/**
 * Edits JSON text in place (keeping every other byte), recording a readable line per change. When
 * `doc` (the parsed text) is given, the same change is made to it, so the merged document exists
 * without parsing the merged text again, and each place changed is remembered with the value it
 * held before (see {@link changeOfEdits}).
 */
function textEditor(before: string, doc?: JsonObject) {
	const fmt = detectFormatting(before);
	const changes: string[] = [];
	const touched: Touched[] = [];
	let overlap = false;
	let text = before;
	const set = (parts: string[], current: unknown, value: unknown) => {
		if (jsonEqual(current, value)) return;
		text = setJsonValue(text, parts, value, fmt);
		if (doc) {
			const t = touchedAt(doc, parts);
			if (touched.some((o) => isPrefix(o.parts, t.parts) || isPrefix(t.parts, o.parts))) overlap = true;
			touched.push(t);
			setPath(doc, parts, value);
		}
		changes.push(current === undefined ? `${label(parts)}: added` : `${label(parts)}: ${showValue(current)} → ${showValue(value)}`);
	};
	return {set, changes, text: () => text, change: (): JsonChange | undefined => (doc && !overlap ? changeOfEdits(doc, touched) : undefined)};
}

/** A place an edit changed: the path of the first key that was absent or was not an object on the way, and what it held. */
interface Touched {
	parts: string[];
	existed: boolean;
	value: unknown;
}

function isPrefix(a: string[], b: string[]): boolean {
	return a.length <= b.length && a.every((k, i) => k === b[i]);
}

/** Where setting `parts` in `doc` changes the document: the deepest existing object along the path decides. */
function touchedAt(doc: JsonObject, parts: string[]): Touched {
	let node: JsonObject = doc;
	for (let i = 0; i < parts.length; i++) {
		const key = parts[i] ?? '';
		if (!Object.hasOwn(node, key)) return {parts: parts.slice(0, i + 1), existed: false, value: undefined};
		const v = node[key];
		if (i === parts.length - 1 || !isPlainObject(v)) return {parts: parts.slice(0, i + 1), existed: true, value: v};
		node = v;
	}
	return {parts, existed: true, value: doc};
}

interface Trie {
	children: Map<string, Trie>;
	leaf: Touched | null;
}

/**
 * The change the parse of the before and after texts would find (changedJsonBoth), from the places
 * edited alone: the two documents reduced to the paths that lead to an edit, keys in the document's
 * own order (an edit keeps a key where it was and appends a new one, as the text edit does), and
 * walked as the whole documents would be. Nothing else differs between the two texts.
 */
function changeOfEdits(doc: JsonObject, touched: Touched[]): JsonChange {
	const root: Trie = {children: new Map(), leaf: null};
	for (const t of touched) {
		let node = root;
		for (const key of t.parts) {
			let next = node.children.get(key);
			if (!next) {
				next = {children: new Map(), leaf: null};
				node.children.set(key, next);
			}
			node = next;
		}
		node.leaf = t;
	}
	const reduce = (trie: Trie, after: JsonObject): {b: JsonObject; a: JsonObject} => {
		const b: JsonObject = {};
		const a: JsonObject = {};
		const keys = trie.children.size === 1 ? [...trie.children.keys()] : Object.keys(after).filter((k) => trie.children.has(k));
		for (const key of keys) {
			const child = trie.children.get(key);
			if (!child) continue;
			if (child.leaf) {
				if (child.leaf.existed) setOwn(b, key, child.leaf.value);
				setOwn(a, key, after[key]);
			} else {
				const sub = reduce(child, after[key] as JsonObject);
				setOwn(b, key, sub.b);
				setOwn(a, key, sub.a);
			}
		}
		return {b, a};
	};
	const {b, a} = reduce(root, doc);
	return changedJsonBoth(b, a);
}

/** `doc[parts…] = value`, creating the missing objects on the way (own properties only). */
function setPath(doc: JsonObject, parts: string[], value: unknown): void {
	let node = doc;
	for (const key of parts.slice(0, -1)) {
		let next = own(node, key);
		if (!isPlainObject(next)) {
			next = {};
			setOwn(node, key, next);
		}
		node = next as JsonObject;
	}
	setOwn(node, parts.at(-1) ?? '', value);
}

/** The parsed document, from the caller when it parsed `before` already (so a file is parsed once). */
function docOf(before: string, parsedDoc: unknown, what: string): unknown {
	if (parsedDoc !== undefined) return parsedDoc;
	const parsed = parseStrictJson(before);
	if (!parsed.ok) throw new ConfigShapeError(`${what} is not usable JSON (line ${parsed.line}, column ${parsed.column}: ${parsed.message})`, '(top level)');
	return parsed.value;
}

/**
 * Merges the provider into existing config.json text (which must parse; see parseStrictJson).
 * `parsedDoc` is `before` already parsed by the caller: it becomes the merged document (changed in
 * place, and returned as `doc`), so a large file is parsed once. Throws ConfigShapeError when the
 * top level or `models` has a type AIlice would crash on.
 */
export function mergeAiliceConfig(before: string | null, spec: ProviderSpec, parsedDoc?: unknown): MergeResult {
	if (spec.models.length === 0) throw new Error('mergeAiliceConfig needs at least one model');
	if (before === null) return minimalConfig(spec);
	const doc = docOf(before, parsedDoc, 'config.json');
	if (!isPlainObject(doc)) throw new ConfigShapeError('the top level of config.json is not a JSON object (AIlice raises TypeError on it)', '(top level)');

	const editor = textEditor(before, doc);
	const {set, changes} = editor;

	const models = own(doc, 'models');
	if (models !== undefined && !isPlainObject(models)) {
		throw new ConfigShapeError(`"models" in config.json is ${showValue(models)}, not an object; AIlice would crash on it. Fix or remove that key, then run the wizard again.`, 'models');
	}
	const provider = own(models, spec.provider);
	if (provider !== undefined && !isPlainObject(provider)) {
		throw new ConfigShapeError(`"models.${spec.provider}" in config.json is ${showValue(provider)}, not an object. Fix or remove it, or choose another --provider name.`, `models.${spec.provider}`);
	}
	const oldList = own(provider, 'modelList');
	const modelList = isPlainObject(oldList) ? oldList : undefined;

	const keys = new Map(spec.models.map((m) => [m.name, keyFor(modelList, m.name)]));
	const first = spec.models[0];
	const defaultId = `${spec.provider}:${first ? (keys.get(first.name) ?? first.name) : ''}`;

	if (!provider) {
		set(['models', spec.provider], undefined, {...providerKeys(spec.baseURL), modelList: newModelList(spec.models)});
	} else {
		const want = providerKeys(spec.baseURL);
		for (const k of ['modelWrapper', 'apikey', 'baseURL'] as const) set(['models', spec.provider, k], own(provider, k), want[k]);
		if (!modelList) {
			set(['models', spec.provider, 'modelList'], oldList, newModelList(spec.models));
		} else {
			for (const m of spec.models) {
				const key = keys.get(m.name) ?? m.name;
				const existing = own(modelList, key);
				const entry = modelEntry(m, existing);
				if (!isPlainObject(existing)) {
					set(['models', spec.provider, 'modelList', key], existing, entry);
					continue;
				}
				// Field by field, so unknown keys in the entry stay as written.
				for (const [field, value] of Object.entries(entry)) set(['models', spec.provider, 'modelList', key, field], own(existing, field), value);
			}
		}
	}

	if (spec.setDefault) {
		set(['modelID'], own(doc, 'modelID'), defaultId);
		const agents = own(doc, 'agentModelConfig');
		// AIlice replaces agentModelConfig wholesale with the file's value: set DEFAULT, keep the rest.
		if (isPlainObject(agents)) set(['agentModelConfig', 'DEFAULT'], own(agents, 'DEFAULT'), defaultId);
		else set(['agentModelConfig'], agents, {DEFAULT: defaultId});
	}

	// `doc` is now the merged document (each text edit was made to it too). That the text means
	// exactly this document is checked by the tests of the merge (perf-changed-keys); after the write,
	// the step's verification reads the file back and compares it with this text.
	const changed = editor.change();
	return {text: editor.text(), changes, keys, defaultId, doc, ...(changed ? {changed} : {})};
}

export interface OverlaySpec {
	provider: string;
	baseURL: string;
	/** Set agentModelConfig.DEFAULT when the overlay has agentModelConfig (it replaces config.json's). */
	defaultId: string | null;
}

export type OverlayMerge =
	| {kind: 'updated' | 'unchanged'; text: string; changes: string[]}
	| {kind: 'not-named'; text: string; changes: string[]}
	| {kind: 'invalid'; reason: string};

/**
 * The web app's `user_config.json` overlay: when it names the provider, its provider-level keys
 * replace config.json's, so they are set to the same values. `parsedDoc`: `before` already parsed
 * (with parseStrictJson, so a duplicate key has been refused) by the caller.
 */
export function mergeOverlay(before: string, spec: OverlaySpec, parsedDoc?: unknown): OverlayMerge {
	let doc = parsedDoc;
	if (doc === undefined) {
		const parsed = parseStrictJson(before);
		if (!parsed.ok) return {kind: 'invalid', reason: `it is not usable JSON (line ${parsed.line}, column ${parsed.column}: ${parsed.message})`};
		doc = parsed.value;
	}
	if (!isPlainObject(doc)) return {kind: 'invalid', reason: 'its top level is not a JSON object'};
	const models = own(doc, 'models');
	if (models !== undefined && !isPlainObject(models)) return {kind: 'invalid', reason: '"models" in it is not an object'};
	const provider = own(models, spec.provider);
	const editor = textEditor(before);
	const {set, changes} = editor;
	const agents = own(doc, 'agentModelConfig');
	if (spec.defaultId && isPlainObject(agents)) set(['agentModelConfig', 'DEFAULT'], own(agents, 'DEFAULT'), spec.defaultId);
	if (provider === undefined) return {kind: 'not-named', text: editor.text(), changes};
	if (!isPlainObject(provider)) return {kind: 'invalid', reason: `"models.${spec.provider}" in it is not an object`};
	const want = providerKeys(spec.baseURL);
	for (const k of ['modelWrapper', 'apikey', 'baseURL'] as const) set(['models', spec.provider, k], own(provider, k), want[k]);
	return {kind: changes.length ? 'updated' : 'unchanged', text: editor.text(), changes};
}
