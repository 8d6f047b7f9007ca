/**
 * Validation of the Ollama base URL a user gives (`--url`). Accepts it with or without `/v1` and a
 * trailing slash; refuses what can never work, with a sentence naming the value and the rule.
 */
import {isCgnat, isLoopback, isUnspecified} from './ip.js';

export interface OllamaUrl {
	/** `http://host:port` with no path: the native API root. */
	origin: string;
	/** `http://host:port/v1`: what AIlice's baseURL must be (Ollama's OpenAI-compatible API). */
	openaiBase: string;
	host: string;
	port: number;
	protocol: 'http:' | 'https:';
	/** The host is an IP literal (no DNS lookup needed). */
	hostIsIp: boolean;
	loopback: boolean;
	cgnat: boolean;
}

export type UrlCheck = {ok: true; url: OllamaUrl} | {ok: false; problem: string};

// A long value is not echoed whole: the sentence must fit under a prompt field, which shows the value itself.
const show = (value: string, max = 80) => (value.length > max ? `${JSON.stringify(value.slice(0, Math.min(24, max - 3)))}… (${value.length} characters)` : JSON.stringify(value));

// A hostname: DNS labels of letters, digits and hyphens (and underscores seen in LAN names).
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * The URL as it may be shown: a user name stays, a password (everything after the first `:` up to
 * the last `@`) becomes `***`; with no `:` the whole part before `@` may be a token and is hidden.
 */
export function withoutCredentials(raw: string): string {
	const at = raw.lastIndexOf('@');
	if (at === -1) return raw;
	const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw)?.[0] ?? '';
	const userinfo = raw.slice(scheme.length, at);
	const colon = userinfo.indexOf(':');
	return `${scheme}${colon === -1 ? '***' : `${userinfo.slice(0, colon)}:***`}${raw.slice(at)}`;
}

export function parseOllamaUrl(input: string): UrlCheck {
	const trimmed = input.trim();
	if (trimmed === '') return {ok: false, problem: 'The URL is empty. Give the Ollama address, e.g. http://ollama.home.internal:11434'};
	if (trimmed.length > 2048) return {ok: false, problem: `The URL is ${trimmed.length} characters long; that cannot be an Ollama address.`};
	// Credentials are refused before anything else, and never echoed: every message below shows the
	// URL with its password replaced by ***.
	if (trimmed.includes('@')) {
		return {ok: false, problem: `The URL ${show(withoutCredentials(trimmed))} contains a user name or password; Ollama has no authentication, remove it.`};
	}
	const raw = trimmed;
	// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
	if (/[\u0000-\u001f\u007f\s]/.test(raw) || raw.includes('\uFFFD')) {
		return {ok: false, problem: `The URL ${show(raw)} contains spaces, control characters or invalid bytes; write it as http://HOST:11434`};
	}
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
		return {ok: false, problem: `The URL ${show(raw, 40)} has no scheme; ${raw.length > 40 ? 'add http:// at the start' : `write it as http://${raw.replace(/^\/+/, '')}`}`};
	}
	const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(raw)?.[1] ?? '';
	if (!authority.includes('[') && (authority.match(/:/g)?.length ?? 0) >= 2) {
		return {ok: false, problem: `The URL ${show(raw)} has an IPv6 address without brackets; write it as http://[ADDRESS]:11434`};
	}
	// The port is judged before the URL parser, which would only say "invalid URL".
	const early = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^/:?#]*)(?::([^/?#]*))?/i.exec(raw)?.[1];
	if (early !== undefined && (!/^\d{1,5}$/.test(early) || Number(early) < 1 || Number(early) > 65535)) {
		return {ok: false, problem: `The port ${show(early)} in ${show(raw)} is not a port number between 1 and 65535 (Ollama uses 11434).`};
	}
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		// An IPv6 address without brackets is the common cause.
		if (/^[a-z]+:\/\/[0-9a-f:]+:[0-9a-f:]+/i.test(raw)) {
			return {ok: false, problem: `The URL ${show(raw)} has an IPv6 address without brackets; write it as http://[ADDRESS]:11434`};
		}
		return {ok: false, problem: `The URL ${show(raw)} is not a valid URL; write it as http://HOST:11434`};
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return {ok: false, problem: `The URL ${show(raw)} uses ${url.protocol.replace(':', '')}; Ollama speaks http (or https behind a proxy).`};
	}
	if (url.username || url.password) return {ok: false, problem: `The URL ${show(withoutCredentials(url.href))} contains a user name or password; Ollama has no authentication, remove it.`};
	const host = url.hostname.replace(/^\[|\]$/g, '');
	if (!host) return {ok: false, problem: `The URL ${show(raw)} has no host; write it as http://HOST:11434`};
	const portMatch = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:?#]*)(?::([^/?#]*))?/i.exec(raw);
	const portText = portMatch?.[1];
	if (portText !== undefined) {
		if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
			return {ok: false, problem: `The port ${show(portText)} in ${show(raw)} is not a port number between 1 and 65535 (Ollama uses 11434).`};
		}
	}
	const hostIsIp = url.hostname.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host);
	if (!hostIsIp && !HOSTNAME.test(host)) {
		return {ok: false, problem: `The host ${show(host)} is not a valid host name (letters, digits, dots and hyphens only).`};
	}
	if (isUnspecified(host)) {
		return {ok: false, problem: `${host} is a bind address, not a destination: use the server's real address or the Twingate Resource alias (e.g. http://ollama.home.internal:11434).`};
	}
	if (url.search || url.hash) return {ok: false, problem: `The URL ${show(raw)} has a query or fragment; give only http://HOST:PORT (optionally /v1).`};
	let pathname = url.pathname.replace(/\/+$/, '');
	if (/\/chat\/completions$/.test(pathname)) {
		return {ok: false, problem: `The URL ${show(raw)} ends in /chat/completions; give the base URL only (AIlice adds /chat/completions itself).`};
	}
	if (pathname.endsWith('/v1')) pathname = pathname.slice(0, -3);
	if (pathname !== '') {
		return {ok: false, problem: `The URL ${show(raw)} has the path ${show(url.pathname)}; Ollama's API lives at the root, give http://HOST:PORT or http://HOST:PORT/v1.`};
	}
	const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
	const hostForUrl = url.hostname; // keeps IPv6 brackets
	const origin = `${url.protocol}//${hostForUrl}:${port}`;
	return {
		ok: true,
		url: {origin, openaiBase: `${origin}/v1`, host, port, protocol: url.protocol, hostIsIp, loopback: isLoopback(host), cgnat: isCgnat(host)},
	};
}
