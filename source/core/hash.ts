import {createHash} from 'node:crypto';

/** Stable hash of non-secret inputs: key order does not matter. */
export function hashInputs(inputs: Record<string, unknown>): string {
	return createHash('sha256').update(stableStringify(inputs)).digest('hex').slice(0, 16);
}

export function stableStringify(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}
