/**
 * `OLLAMA_HOST`: how Ollama reads a value (a port of `envconfig.Host()`,
 * https://github.com/ollama/ollama/blob/main/envconfig/config.go), and what the wizard may write
 * (`host:port`, no scheme).
 */
import {bindScope, parseIp, show, type Scope} from './common.js';

export interface OllamaHostValue {
	ok: true;
	/** `http` unless the value had a scheme (`https`, or anything before `://`). */
	scheme: string;
	/** Parsed IP (normalised, no brackets), the literal text, '' for `:1234` (all interfaces). */
	host: string;
	port: number;
	/** Everything after the first `/` (reverse-proxy prefix), '' when none. */
	path: string;
	/** What Go prints for it, e.g. `http://1.2.3.4:80`, `http://[::1]:11434`, `http://:1234`. */
	url: string;
	/** Where the server binds: '' / `0.0.0.0` / `::` → all; loopback; anything else → specific. */
	scope: Scope;
	/** The port was not 0–65535 (or not a number); Ollama logs `invalid port, using default`. */
	portFallback: boolean;
	/** The port came from the scheme's default: 80 for `http://`, 443 for `https://`. */
	schemeDefaultPort: boolean;
}

/** Go `strings.Trim(s, cutset)`. */
function trimChars(text: string, cutset: string): string {
	let start = 0;
	let end = text.length;
	while (start < end && cutset.includes(text[start] ?? '')) start++;
	while (end > start && cutset.includes(text[end - 1] ?? '')) end--;
	return text.slice(start, end);
}

/** Go `net.SplitHostPort`: null where Go returns an error. */
function splitHostPort(hostport: string): {host: string; port: string} | null {
	const last = hostport.lastIndexOf(':');
	if (last < 0) return null;
	let host: string;
	let j = 0;
	let k = 0;
	if (hostport.startsWith('[')) {
		const end = hostport.indexOf(']');
		if (end < 0 || end + 1 !== last) return null;
		host = hostport.slice(1, end);
		j = 1;
		k = end + 1;
	} else {
		host = hostport.slice(0, last);
		if (host.includes(':')) return null;
	}
	if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return null;
	return {host, port: hostport.slice(last + 1)};
}

/** Go `net.JoinHostPort`. */
function joinHostPort(host: string, port: string | number): string {
	return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go `strconv.ParseInt(port, 10, 32)` followed by Ollama's 0–65535 check. */
function validGoPort(port: string): boolean {
	if (!/^[+-]?\d+$/.test(port)) return false;
	const value = Number(port);
	return value >= 0 && value <= 65535;
}

/**
 * Interpret an `OLLAMA_HOST` value exactly as Ollama does (`envconfig.Host()`).
 * Never fails: Ollama itself falls back to defaults, so every value means something.
 */
export function parseOllamaHostValue(value: string | undefined): OllamaHostValue {
	// Go: strings.TrimSpace(strings.Trim(strings.TrimSpace(v), `"'`)).
	const s = trimChars((value ?? '').trim(), '"\'').trim();
	let defaultPort = '11434';
	const cut = s.indexOf('://');
	let scheme: string;
	let hostport: string;
	if (cut < 0) {
		scheme = 'http';
		hostport = s;
		if (s === 'ollama.com') {
			scheme = 'https';
			hostport = 'ollama.com:443';
		}
	} else {
		scheme = s.slice(0, cut);
		hostport = s.slice(cut + 3);
		if (scheme === 'http') defaultPort = '80';
		if (scheme === 'https') defaultPort = '443';
	}
	const slash = hostport.indexOf('/');
	const path = slash < 0 ? '' : hostport.slice(slash + 1);
	if (slash >= 0) hostport = hostport.slice(0, slash);

	let host: string;
	let port: string;
	let schemeDefaultPort = false;
	const split = splitHostPort(hostport);
	if (split) {
		({host, port} = split);
	} else {
		host = '127.0.0.1';
		port = defaultPort;
		schemeDefaultPort = cut >= 0 && defaultPort !== '11434';
		const ip = parseIp(trimChars(hostport, '[]'));
		if (ip) host = ip.toString();
		else if (hostport !== '') host = hostport;
	}
	let portFallback = false;
	if (!validGoPort(port)) {
		portFallback = true;
		port = defaultPort;
		schemeDefaultPort = cut >= 0 && defaultPort !== '11434';
	}
	const url = `${scheme === '' ? '' : `${scheme}:`}//${joinHostPort(host, port)}${path === '' ? '' : `/${path}`}`;
	return {ok: true, scheme, host, port: Number(port), path, url, scope: bindScope(host), portFallback, schemeDefaultPort};
}

export type BindCheck = {ok: true; host: string; port: number; value: string; scope: Scope} | {ok: false; problem: string};

/**
 * Check a value the wizard is about to WRITE as `OLLAMA_HOST`: `host:port`, no scheme, no path, no
 * quotes, port 1–65535, host an IP literal (IPv6 in brackets) such as `0.0.0.0`.
 */
export function validateBindValue(value: string): BindCheck {
	const shown = show(value);
	const effective = parseOllamaHostValue(value);
	const suggestedHost = effective.host === '' || parseIp(effective.host) === null ? '0.0.0.0' : effective.host;
	const suggestion = joinHostPort(suggestedHost, effective.schemeDefaultPort || effective.portFallback || effective.port === 0 ? 11434 : effective.port);

	if (value.trim() === '') {
		return {ok: false, problem: 'The OLLAMA_HOST value is empty; Ollama would then listen on 127.0.0.1:11434 (this machine only). Write 0.0.0.0:11434.'};
	}
	if (value !== value.trim() || /["']/.test(value)) {
		return {ok: false, problem: `${shown} has spaces or quotes around it; write the bare value ${suggestion}.`};
	}
	if (/\s/.test(value)) return {ok: false, problem: `${shown} contains spaces; write HOST:PORT, e.g. 0.0.0.0:11434.`};
	if (value.includes('://')) {
		const consequence = effective.schemeDefaultPort ? `; Ollama would then bind port ${effective.port}` : '';
		return {ok: false, problem: `${shown} has a scheme${consequence} — write ${suggestion} (HOST:PORT, no scheme).`};
	}
	if (value.includes('/')) {
		return {ok: false, problem: `${shown} has a path; a bind address is HOST:PORT only — write ${suggestion}.`};
	}
	let host: string;
	let portText: string;
	if (value.startsWith('[')) {
		const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(value);
		if (!bracketed) return {ok: false, problem: `${shown} is not [IPv6]:PORT; write e.g. [::]:11434.`};
		host = bracketed[1] ?? '';
		if (bracketed[2] === undefined) return {ok: false, problem: `${shown} has no port; write ${joinHostPort(host, 11434)}.`};
		portText = bracketed[2];
		if (host.includes('%')) return {ok: false, problem: `${shown} has an IPv6 zone (%…); Ollama cannot bind that — use [::]:${portText} or a global address.`};
		if (parseIp(host)?.kind() !== 'ipv6' || host.includes('.')) {
			return {ok: false, problem: `${shown}: brackets are only for IPv6 addresses, and ${show(host)} is not one.`};
		}
	} else {
		const colons = value.split(':').length - 1;
		if (colons === 0) return {ok: false, problem: `${shown} has no port; Ollama would use 11434, but write it explicitly: ${joinHostPort(value, 11434)}.`};
		if (colons > 1) {
			const last = value.lastIndexOf(':');
			const [prefix, suffix] = [value.slice(0, last), value.slice(last + 1)];
			const withPort = /^\d+$/.test(suffix) && parseIp(prefix)?.kind() === 'ipv6' ? `[${prefix}]:${suffix}` : null;
			const whole = parseIp(value)?.kind() === 'ipv6' ? `[${value}]:11434` : null;
			const options = [withPort, whole].filter((option): option is string => option !== null);
			return {
				ok: false,
				problem: options.length > 0
					? `${shown} is an IPv6 address without brackets; write ${options.join(' or ')}.`
					: `${shown} has more than one colon; IPv6 addresses go in brackets, e.g. [::]:11434.`,
			};
		}
		[host = '', portText = ''] = value.split(':');
	}
	if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
		const fallback = validGoPort(portText) ? 'the OS would pick a random port' : 'Ollama would silently use 11434 instead';
		return {ok: false, problem: `The port ${show(portText)} in ${shown} is not a number from 1 to 65535; ${fallback}. Write ${joinHostPort(host === '' ? '0.0.0.0' : host, 11434)}.`};
	}
	const port = Number(portText);
	if (host === '') {
		return {ok: false, problem: `${shown} has no host; write 0.0.0.0:${port} for all interfaces (or a specific LAN IP).`};
	}
	const ip = parseIp(host);
	if (!ip) {
		return {ok: false, problem: `The host ${show(host)} in ${shown} is not an IP address; write an IP such as 0.0.0.0:${port} (all interfaces) or the machine's LAN IP.`};
	}
	const range = ip.range();
	if (range === 'multicast' || range === 'broadcast') {
		return {ok: false, problem: `${show(host)} is a ${range} address; a server cannot listen on it. Write 0.0.0.0:${port}.`};
	}
	const canonicalHost = ip.kind() === 'ipv6' ? ip.toString() : host;
	return {ok: true, host: canonicalHost, port, value: joinHostPort(canonicalHost, port), scope: bindScope(canonicalHost)};
}
