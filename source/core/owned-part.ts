/**
 * Which part of a file a write changed, as names only (JSON key paths, .env variable names), so
 * that undo can take back the wizard's own part of a file the user (or AIlice, which rewrites its
 * config on every start) changed since, and logs can say what changed without any value.
 */
import {createHash} from 'node:crypto';
import path from 'node:path';
import {envEntries} from '../ailice/dotenv.js';
import type {OwnedPart} from './journal.js';

export function contentHash(text: string | Uint8Array): string {
	return createHash('sha256').update(text).digest('hex');
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON key paths whose values differ, down to the leaves (an array or a scalar is a leaf), plus the
 * objects the change added (`containers`): undo takes out the leaves, then each added object that
 * is empty again, so a provider the user added later under the same `models` stays.
 */
export function changedJsonPaths(before: unknown, after: unknown, at: (string | number)[] = [], out: {paths: (string | number)[][]; containers: (string | number)[][]} = {paths: [], containers: []}): {paths: (string | number)[][]; containers: (string | number)[][]} {
	if (isObject(before) && isObject(after)) {
		const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
		for (const k of keys) {
			const inB = Object.hasOwn(before, k);
			const inA = Object.hasOwn(after, k);
			if (inA && isObject(after[k]) && !(inB && isObject(before[k]))) {
				// An object the change added (or put where a non-object was): its leaves are the change.
				if (inB) out.paths.push([...at, k]);
				out.containers.push([...at, k]);
				changedJsonPaths({}, after[k], [...at, k], out);
			} else if (inB && inA) changedJsonPaths(before[k], after[k], [...at, k], out);
			else out.paths.push([...at, k]);
		}
		return out;
	}
	if (JSON.stringify(before) !== JSON.stringify(after)) out.paths.push(at);
	return out;
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

/** The part of `file` a write from `before` to `after` changed; null when the file is neither JSON nor .env. */
export function ownedPart(file: string, before: string | null, after: string): OwnedPart | null {
	if (file.endsWith('.json')) {
		try {
			const b: unknown = before === null ? {} : JSON.parse(before);
			const a: unknown = JSON.parse(after);
			const {paths, containers} = changedJsonPaths(b, a);
			// A change of the top-level value itself (not an object) cannot be taken back as a part.
			return paths.some((p) => p.length === 0) ? null : {json: paths, containers};
		} catch {
			return null;
		}
	}
	if (isEnvFile(file)) return {env: changedEnvKeys(before ?? '', after)};
	return null;
}
