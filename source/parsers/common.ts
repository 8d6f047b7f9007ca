/**
 * Helpers shared by the command-output parsers. Every parser is pure (no I/O) and never throws:
 * unexpected output yields `ok: false` with a sentence naming what was unexpected.
 */
import ipaddr from 'ipaddr.js';

/** A parser result: on failure `problem` is one human sentence; the payload is still present (empty). */
export type Parsed<T> = ({ok: true} & T) | ({ok: false; problem: string} & T);

/** Quote a value for a problem sentence, shortened so a huge blob never floods the screen. */
export function show(value: string, max = 80): string {
	const oneLine = value.replace(/\r?\n/g, '⏎');
	return oneLine.length > max ? `${JSON.stringify(oneLine.slice(0, max - 1))}…` : JSON.stringify(oneLine);
}

/** Split command output into lines, accepting CRLF, dropping a final empty line. */
export function lines(text: string): string[] {
	const all = text.replace(/\r\n?/g, '\n').split('\n');
	if (all.length > 0 && all[all.length - 1] === '') all.pop();
	return all;
}

/** The first non-blank line, trimmed, or '' when there is none. */
export function firstLine(text: string): string {
	for (const line of lines(text)) {
		const trimmed = line.trim();
		if (trimmed !== '') return trimmed;
	}
	return '';
}

export type Scope = 'all' | 'loopback' | 'specific';

/**
 * How widely a bind address listens: `*`, empty, `0.0.0.0`, `::` → all interfaces;
 * 127/8, `::1`, `::ffff:127.x`, `localhost` → loopback only; anything else → that interface only.
 * Brackets and a `%zone` suffix are ignored.
 */
export function bindScope(host: string): Scope {
	const bare = stripBrackets(host).replace(/%.*$/, '').toLowerCase();
	if (bare === '' || bare === '*') return 'all';
	if (bare === 'localhost' || bare.endsWith('.localhost')) return 'loopback';
	const ip = parseIp(bare);
	if (!ip) return 'specific';
	const range = ip.range();
	if (range === 'unspecified') return 'all';
	if (range === 'loopback') return 'loopback';
	return 'specific';
}

export function stripBrackets(host: string): string {
	return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Parse an IP literal strictly (dotted-quad IPv4, or IPv6 without a zone); IPv4-mapped IPv6 is
 * unwrapped to IPv4. Returns null for anything else. Never throws.
 */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
	if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
	if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
	const v6 = ipaddr.IPv6.parse(text);
	return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** A decimal TCP port 0–65535, or null. */
export function parsePort(text: string): number | null {
	if (!/^\d{1,5}$/.test(text)) return null;
	const port = Number(text);
	return port <= 65535 ? port : null;
}
