/**
 * The text edit of config.json without a parse tree: for every kind of edit the merge makes
 * (replace a value, add a property to an object with or without properties, add a nested path
 * whose parents are missing) in every layout (2 spaces, 4 spaces, tabs, CRLF, one line, escaped
 * keys), setJsonValue gives exactly what jsonc-parser's `modify` + `format` of the whole text gave.
 */
import {applyEdits, format, modify} from 'jsonc-parser';
import {describe, expect, it} from 'vitest';
import {detectFormatting, jsonEdit, parseStrictJson, scanStructure, setJsonValue} from '../../source/ailice/json.js';
import {mergeAiliceConfig} from '../../source/ailice/merge.js';

/**
 * The former implementation: jsonc-parser's modify (a tree of the whole text), then format of the
 * inserted range, with the formatting detected once from the original file (as the merge does).
 */
function viaTree(text: string, jsonPath: string[], value: unknown, formatting = detectFormatting(text)): string {
	let out = text;
	for (const edit of modify(text, jsonPath, value, {})) {
		out = applyEdits(out, [edit]);
		if (formatting && edit.content.length > 0 && !/^"(?:[^"\\]|\\.)*"$|^[-\w.]+$/.test(edit.content)) out = applyEdits(out, format(out, {offset: edit.offset, length: edit.content.length}, formatting));
	}
	return out;
}

const ENTRY = {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}};
const DOCS: Record<string, string> = {
	'2 spaces': `${JSON.stringify({temperature: 0, models: {oai: {modelWrapper: 'AModelChatGPT', apikey: null, baseURL: null, modelList: {'gpt-4o': ENTRY}}, empty: {}}, agentModelConfig: {DEFAULT: 'oai:gpt-4o'}}, null, 2)}\n`,
	'4 spaces': `${JSON.stringify({models: {ollama: {modelWrapper: 'AModelMistral', apikey: 'x', baseURL: 'http://a/v1', modelList: {}}}}, null, 4)}\n`,
	tabs: `${JSON.stringify({modelID: 'a:b', models: {}}, null, '\t')}\n`,
	crlf: `${JSON.stringify({models: {oai: {modelList: {x: ENTRY}}}, temperature: 0.5}, null, 2).replace(/\n/g, '\r\n')}\r\n`,
	'one line': JSON.stringify({models: {oai: {apikey: 'k'}}, temperature: 0}),
	'escaped keys and odd spacing': '{ "mod\\u0065ls" : { "o\\"ai" :{"apikey":"k" } , "b":[1,{"c":"}"}] } ,\n  "t" : 1 }\n',
	'empty object': '{}\n',
	'empty lines and spaces': '{\n\n  "models"  :  {\n\n  }\n}\n',
};
const EDITS: [string[], unknown][] = [
	[['models', 'ollama'], {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: 'http://h:11434/v1', modelList: {'llama3.2:latest': ENTRY}}],
	[['models', 'oai', 'apikey'], 'ollama'],
	[['models', 'oai', 'modelList', 'llama3.2:latest'], ENTRY],
	[['models', 'oai', 'modelList', 'x', 'contextWindow'], 4096],
	[['modelID'], 'ollama:llama3.2:latest'],
	[['agentModelConfig', 'DEFAULT'], 'ollama:llama3.2:latest'],
	[['agentModelConfig'], {DEFAULT: 'ollama:x'}],
	[['models', 'empty', 'modelList'], {a: ENTRY}],
	[['temperature'], {nested: [1, 2, {deep: true}]}],
];

describe('setJsonValue without a parse tree', () => {
	for (const [layout, text] of Object.entries(DOCS)) {
		it(`gives jsonc-parser's exact text in the "${layout}" layout`, () => {
			const formatting = detectFormatting(text);
			for (const [at, value] of EDITS) {
				const expected = viaTree(text, at, value);
				const got = setJsonValue(text, at, value, formatting);
				expect(got, `${layout}: ${at.join('.')}`).toBe(expected);
				expect(JSON.parse(got)).toBeTypeOf('object');
			}
		});
	}

	it('applied one after another (as the merge does), the result stays identical', () => {
		for (const text of Object.values(DOCS)) {
			const formatting = detectFormatting(text);
			let a = text;
			let b = text;
			for (const [at, value] of EDITS) {
				a = setJsonValue(a, at, value, formatting);
				b = viaTree(b, at, value, formatting);
			}
			expect(a).toBe(b);
		}
	});

	it('a value that is itself huge or deep is skipped in one pass; the edit touches only its own bytes', () => {
		const big = `{"models": {${Array.from({length: 2000}, (_, i) => `"p${i}": {"modelList": {"m": ${JSON.stringify(ENTRY)}}, "s": "}{][\\"\\\\"}`).join(', ')}}, "z": 1}`;
		const edit = jsonEdit(big, ['z'], 2);
		expect(big.slice(edit.offset, edit.offset + edit.length)).toBe('1');
		const add = jsonEdit(big, ['models', 'ollama'], {a: 1});
		expect(add).toMatchObject({length: 0, content: ',"ollama": {"a":1}'});
		const after = JSON.parse(big.slice(0, add.offset) + add.content + big.slice(add.offset)) as {models: Record<string, unknown>};
		expect(Object.keys(after.models).slice(-2)).toEqual(['p1999', 'ollama']);
		expect(after.models.p1999).toEqual((JSON.parse(big) as {models: Record<string, unknown>}).models.p1999);
	});
});

describe('one parse per file', () => {
	it('the merge changes the parsed document along with the text: its doc is exactly the merged text parsed (values and key order)', () => {
		const spec = {provider: 'ollama', baseURL: 'http://h:11434/v1', models: [{name: 'llama3.2:latest', contextWindow: 8192}, {name: 'x', contextWindow: 2048}], setDefault: true};
		for (const [layout, text] of Object.entries(DOCS)) {
			const parsed = parseStrictJson(text);
			if (!parsed.ok) throw new Error(layout);
			const merged = mergeAiliceConfig(text, spec, parsed.value);
			expect(JSON.stringify(merged.doc), layout).toBe(JSON.stringify(JSON.parse(merged.text)));
			expect(merged.changes.length).toBeGreaterThan(0);
			// Merging the result again changes nothing.
			const again = mergeAiliceConfig(merged.text, spec);
			expect(again.changes, layout).toEqual([]);
			expect(again.text).toBe(merged.text);
		}
	});

	it('the structure scan reads strings as JSON does: escaped quotes and runs of backslashes', () => {
		// Keys written by JSON.stringify, so every escape is exactly what JSON means.
		const two = (k1: string, k2: string) => `{${JSON.stringify(k1)}: 1, ${JSON.stringify(k2)}: 2}`;
		expect(scanStructure(two('a\\', 'a\\')).duplicate).toMatchObject({key: 'a\\'});
		expect(scanStructure(two('a"', 'a"')).duplicate).toMatchObject({key: 'a"'});
		expect(scanStructure(two('a\\"}{', 'a\\"}{')).duplicate).toMatchObject({key: 'a\\"}{'});
		expect(scanStructure(two('a\\', 'a')).duplicate).toBeNull();
		const values = `{"k": ${JSON.stringify('"{[')}, "k2": ${JSON.stringify('\\')}, "k": 3}`;
		expect(scanStructure(values).duplicate).toMatchObject({key: 'k', firstOffset: 1});
		expect(scanStructure('{"k": "}", "j": {"k": 1}}')).toMatchObject({tooDeepAt: -1, duplicate: null});
		expect(scanStructure('[{"a": 1}, {"a": 2}]')).toMatchObject({tooDeepAt: -1, duplicate: null, keys: 2});
		// parseStrictJson counts keys first and looks for the duplicate only when the counts differ.
		expect(parseStrictJson('{"a": {"b": 1, "c": [{"d": 1}]}, "__proto__": {"x": 1}}')).toMatchObject({ok: true});
		expect(parseStrictJson('{"a": {"b": 1, "c": [{"d": 1, "d": 2}]}}')).toMatchObject({ok: false, kind: 'duplicate', line: 1, column: 31});
		expect(parseStrictJson('{"__proto__": 1, "__proto__": 2}')).toMatchObject({ok: false, kind: 'duplicate', column: 18});
	});
});
