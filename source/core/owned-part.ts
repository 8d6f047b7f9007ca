/**
 * Which part of a file a write changed, as names only (JSON key paths, .env variable names), so
 * that undo can take back the wizard's own part of a file the user (or AIlice, which rewrites its
 * config on every start) changed since, and logs can say what changed without any value.
 */
import {createHash} from 'node:crypto';
import path from 'node:path';
import {envEntries} from '../ailice/dotenv.js';
import type {OwnedPart} from './journal.js';
import {keyPathName} from './mask.js';

export function contentHash(text: string | Uint8Array): string {
	return createHash('sha256').update(text).digest('hex');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Key = string | number;
/** A key path as a chain from the leaf up, made into an array only when it is recorded. */
type Chain = {up: Chain; key: Key} | null;

function toPath(at: Chain): Key[] {
	const out: Key[] = [];
	for (let c = at; c; c = c.up) out.push(c.key);
	return out.reverse();
}

function toChain(at: Key[]): Chain {
	let c: Chain = null;
	for (const key of at) c = {up: c, key};
	return c;
}

/**
 * JSON key paths whose values differ, down to the leaves (an array or a scalar is a leaf), plus the
 * objects the change added (`containers`): undo takes out the leaves, then each added object that
 * is empty again, so a provider the user added later under the same `models` stays.
 */
export function changedJsonPaths(before: unknown, after: unknown, at: Key[] = [], out: {paths: Key[][]; containers: Key[][]} = {paths: [], containers: []}): {paths: Key[][]; containers: Key[][]} {
	walkJson(before, after, toChain(at), out);
	return out;
}

function walkJson(before: unknown, after: unknown, at: Chain, out: {paths: Key[][]; containers: Key[][]}): void {
	if (isObject(before) && isObject(after)) {
		// The keys of before, then those only after has (the order of a Set of both).
		const visit = (k: string, inB: boolean) => {
			const inA = Object.hasOwn(after, k);
			if (inA && isObject(after[k]) && !(inB && isObject(before[k]))) {
				// An object the change added (or put where a non-object was): its leaves are the change.
				const here = {up: at, key: k};
				if (inB) out.paths.push(toPath(here));
				out.containers.push(toPath(here));
				walkJson({}, after[k], here, out);
			} else if (inB && inA) walkJson(before[k], after[k], {up: at, key: k}, out);
			else out.paths.push(toPath({up: at, key: k}));
		};
		for (const k of Object.keys(before)) visit(k, true);
		for (const k of Object.keys(after)) if (!Object.hasOwn(before, k)) visit(k, false);
		return;
	}
	if (before === after && (typeof before !== 'object' || before === null)) return; // the same scalar
	if (JSON.stringify(before) !== JSON.stringify(after)) out.paths.push(toPath(at));
}

/** Whether two JSON values are the same (objects whatever their key order): the log's test of a changed leaf. */
function sameJson(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The log's names (as `changedJsonPaths` in mask.ts gives them) and the owned part (as
 * {@link changedJsonPaths} here gives it) in one walk of the two values.
 */
export function changedJsonBoth(before: unknown, after: unknown): JsonChange {
	const names: string[] = [];
	const part = {paths: [] as Key[][], containers: [] as Key[][]};
	const name = (at: Chain) => keyPathName(toPath(at) as string[]);
	const walk = (b: unknown, a: unknown, at: Chain): void => {
		if (isObject(b) && isObject(a)) {
			for (const k of Object.keys(b)) {
				const here = {up: at, key: k};
				if (!Object.hasOwn(a, k)) {
					names.push(name(here));
					part.paths.push(toPath(here));
					continue;
				}
				const bv = b[k];
				const av = a[k];
				if (isObject(av) && !isObject(bv)) {
					// An object where a non-object was: one changed name for the log, its leaves for undo.
					names.push(name(here));
					part.paths.push(toPath(here));
					part.containers.push(toPath(here));
					walkJson({}, av, here, part);
				} else walk(bv, av, here);
			}
			for (const k of Object.keys(a)) {
				if (Object.hasOwn(b, k)) continue;
				const here = {up: at, key: k};
				names.push(name(here));
				if (isObject(a[k])) {
					part.containers.push(toPath(here));
					walkJson({}, a[k], here, part);
				} else part.paths.push(toPath(here));
			}
			return;
		}
		if (b === a && (typeof b !== 'object' || b === null)) return;
		if (!sameJson(b, a)) names.push(name(at));
		if (JSON.stringify(b) !== JSON.stringify(a)) part.paths.push(toPath(at));
	};
	walk(before, after, null);
	return {names, ...part};
}

export interface JsonChange {
	/** Dotted key paths whose values differ (what a log may list); null when not worked out. */
	names: string[] | null;
	/** Key paths and added objects (what undo takes back). */
	paths: Key[][];
	containers: Key[][];
}

// The last few JSON changes worked out, so the log's summary of a planned change and the journal's
// record of the same write parse the two texts once. Entries hold the texts the plan holds anyway;
// the runner takes its entry out when it records the write.
const recent: {before: string | null; after: string; change: JsonChange | null}[] = [];
const RECENT = 2;

/**
 * What changed between two JSON texts (`before` null: created), or null when either is not JSON.
 * `take`: forget the result once returned (the last use of it).
 */
export function jsonChange(before: string | null, after: string, take = false): JsonChange | null {
	const i = recent.findIndex((r) => r.after === after && r.before === before);
	if (i !== -1) {
		const {change} = recent[i] ?? {change: null};
		if (take) recent.splice(i, 1);
		return change;
	}
	let change: JsonChange | null = null;
	try {
		const b: unknown = before === null ? {} : JSON.parse(before);
		const a: unknown = JSON.parse(after);
		// The runner's last use needs no names.
		change = take ? {names: null, ...changedJsonPaths(b, a)} : changedJsonBoth(b, a);
	} catch {
		change = null;
	}
	if (!take) {
		recent.unshift({before, after, change});
		recent.length = Math.min(recent.length, RECENT);
	}
	return change;
}

export function isEnvFile(file: string): boolean {
	const base = path.basename(file);
	return base === '.env' || base.startsWith('.env.') || base.endsWith('.env');
}

/** Variable names set, changed or removed between two .env texts. */
export function changedEnvKeys(before: string, after: string): string[] {
	const b = new Map(envEntries(before).map((e) => [e.key, e.value]));
	const a = new Map(envEntries(after).map((e) => [e.key, e.value]));
	const keys = new Set([...b.keys(), ...a.keys()]);
	return [...keys].filter((k) => b.get(k) !== a.get(k));
}

/**
 * The part of `file` a write from `before` to `after` changed; null when the file is neither JSON nor
 * .env. `known`: the key paths the plan's action carries for exactly this `before` and `after` (the
 * step worked them out as it made the edit), used instead of parsing both texts.
 */
export function ownedPart(file: string, before: string | null, after: string, known?: {changedKeys?: Key[][]; addedObjects?: Key[][]}): OwnedPart | null {
	if (file.endsWith('.json')) {
		const change = known?.changedKeys ? {paths: known.changedKeys, containers: known.addedObjects ?? []} : jsonChange(before, after, true);
		if (!change) return null;
		const {paths, containers} = change;
		// A change of the top-level value itself (not an object) cannot be taken back as a part.
		return paths.some((p) => p.length === 0) ? null : {json: paths, containers};
	}
	if (isEnvFile(file)) return {env: changedEnvKeys(before ?? '', after)};
	return null;
}
