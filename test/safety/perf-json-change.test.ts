import {afterEach, describe, expect, it, vi} from 'vitest';
import {eventForLog} from '../../source/core/logger.js';
import {changedJsonPaths as changedNames} from '../../source/core/mask.js';
import {changedJsonBoth, changedJsonPaths as changedParts, jsonChange, ownedPart} from '../../source/core/owned-part.js';

// The walks as they were before key paths were built lazily: the results must not change.
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
function refParts(before: unknown, after: unknown, at: (string | number)[] = [], out = {paths: [] as (string | number)[][], containers: [] as (string | number)[][]}) {
	if (isObj(before) && isObj(after)) {
		for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
			const inB = Object.hasOwn(before, k);
			const inA = Object.hasOwn(after, k);
			if (inA && isObj(after[k]) && !(inB && isObj(before[k]))) {
				if (inB) out.paths.push([...at, k]);
				out.containers.push([...at, k]);
				refParts({}, after[k], [...at, k], out);
			} else if (inB && inA) refParts(before[k], after[k], [...at, k], out);
			else out.paths.push([...at, k]);
		}
		return out;
	}
	if (JSON.stringify(before) !== JSON.stringify(after)) out.paths.push(at);
	return out;
}

function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 4294967296;
	};
}
const KEYS = ['a', 'b', 'models', 'apikey', 'llama3.2:latest', 'x y', '', 'constructor', '__proto__'];
function value(r: () => number, depth: number): unknown {
	const t = r();
	if (depth > 3 || t < 0.3) return [1, 'x', true, null, 2.5][Math.floor(r() * 5)];
	if (t < 0.4) return [value(r, depth + 1), {k: 1, j: 2}];
	const o: Record<string, unknown> = {};
	for (let n = Math.floor(r() * 4); n > 0; n--) Object.defineProperty(o, KEYS[Math.floor(r() * KEYS.length)] ?? 'a', {value: value(r, depth + 1), enumerable: true, configurable: true, writable: true});
	return o;
}
function mutate(r: () => number, v: unknown, depth = 0): unknown {
	if (!isObj(v) || r() < 0.2) return r() < 0.5 ? value(r, depth) : v;
	const o: Record<string, unknown> = {};
	for (const k of Object.keys(v)) if (r() > 0.15) Object.defineProperty(o, k, {value: mutate(r, v[k], depth + 1), enumerable: true, configurable: true, writable: true});
	if (r() < 0.3) Object.defineProperty(o, KEYS[Math.floor(r() * KEYS.length)] ?? 'a', {value: value(r, depth + 1), enumerable: true, configurable: true, writable: true});
	return o;
}

afterEach(() => vi.restoreAllMocks());

describe('changed key paths, worked out once', () => {
	it('the owned-part walk gives what it gave before, over random documents', () => {
		for (let seed = 1; seed <= 2000; seed++) {
			const r = rng(seed);
			const before = JSON.parse(JSON.stringify(value(r, 0))) as unknown;
			const after = JSON.parse(JSON.stringify(mutate(r, before))) as unknown;
			expect(changedParts(before, after), `seed ${seed}`).toEqual(refParts(before, after));
		}
	});

	it('one walk gives both the log names and the owned part, as the two walks do', () => {
		for (let seed = 1; seed <= 2000; seed++) {
			const r = rng(seed * 7);
			const before = JSON.parse(JSON.stringify(value(r, 0))) as unknown;
			const after = JSON.parse(JSON.stringify(mutate(r, before))) as unknown;
			expect(changedJsonBoth(before, after), `seed ${seed}`).toEqual({names: changedNames(before, after), ...refParts(before, after)});
		}
		expect(changedJsonBoth(1, {a: 1})).toEqual({names: ['(whole document)'], paths: [[]], containers: []});
		expect(changedJsonBoth({a: [1, {x: 1, y: 2}]}, {a: [1, {y: 2, x: 1}]})).toEqual({names: [], paths: [['a']], containers: []});
		expect(changedJsonBoth({a: 1, b: null}, {a: {c: 1}, b: {}})).toEqual({names: ['a', 'b'], paths: [['a'], ['a', 'c'], ['b']], containers: [['a'], ['b']]});
	});

	it('the log names keep their form (dotted, bracketed, whole document)', () => {
		expect(changedNames({m: {'llama3.2:latest': 1}}, {m: {'llama3.2:latest': 2}})).toEqual(['m["llama3.2:latest"]']);
		expect(changedNames({a: {b: 1, c: 2}}, {a: {b: 1, d: 3}})).toEqual(['a.c', 'a.d']);
		expect(changedNames(1, 2)).toEqual(['(whole document)']);
		expect(changedNames({a: 1}, {a: 2}, 'p')).toEqual(['p.a']);
		expect(changedNames({'': {x: [1]}}, {'': {x: [2]}})).toEqual(['[""].x']);
	});

	it('parses the two texts once for the log summary and the undo record of the same write', () => {
		const before = `${JSON.stringify({models: {p: {apikey: 'sk-1'}}, t: 0}, null, 2)}\n`;
		const after = `${JSON.stringify({models: {p: {apikey: 'sk-1'}, ollama: {apikey: 'ollama', modelList: {}}}, t: 0}, null, 2)}\n`;
		const parse = vi.spyOn(JSON, 'parse');
		const logged = eventForLog({type: 'step:plan', step: 's', plan: {actions: [{kind: 'file', path: '/h/config.json', why: 'w', before, after}]}} as never);
		const parsesForLog = parse.mock.calls.length;
		expect(parsesForLog).toBe(2);
		const part = ownedPart('/h/config.json', before, after);
		expect(parse.mock.calls.length).toBe(parsesForLog); // the record reused the log's work
		expect(part).toEqual({json: [['models', 'ollama', 'apikey']], containers: [['models', 'ollama'], ['models', 'ollama', 'modelList']]});
		expect(JSON.stringify(logged)).toContain('models.ollama');
		expect(JSON.stringify(logged)).not.toContain('sk-1');
		// Taken by the record: the next write of the same texts works it out again.
		ownedPart('/h/config.json', before, after);
		expect(parse.mock.calls.length).toBe(parsesForLog + 2);
	});

	it('another text is never answered from the cache', () => {
		const a = jsonChange('{"a":1}', '{"a":2}');
		const b = jsonChange('{"a":1}', '{"a":3}');
		expect(a?.names).toEqual(['a']);
		expect(b?.paths).toEqual([['a']]);
		expect(jsonChange('{"a":1}', '{"b":1}')?.names).toEqual(['a', 'b']);
		expect(jsonChange('not json', '{}')).toBeNull();
		expect(ownedPart('/h/x.json', null, '{"a":{"b":1}}')).toEqual({json: [['a', 'b']], containers: [['a']]});
	});
});
