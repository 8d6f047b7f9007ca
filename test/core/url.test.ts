import {describe, expect, it} from 'vitest';
import {parseOllamaUrl} from '../../source/core/url.js';

describe('Ollama URL validation', () => {
	it.each([
		['http://ollama.home.internal:11434', 'http://ollama.home.internal:11434'],
		['http://ollama.home.internal:11434/', 'http://ollama.home.internal:11434'],
		['http://ollama.home.internal:11434/v1', 'http://ollama.home.internal:11434'],
		['http://ollama.home.internal:11434/v1/', 'http://ollama.home.internal:11434'],
		['  http://192.168.1.20:11434  ', 'http://192.168.1.20:11434'],
		['https://ollama.example.com', 'https://ollama.example.com:443'],
		['http://[fd00::1]:11434', 'http://[fd00::1]:11434'],
		['HTTP://Mac.local:11434', 'http://mac.local:11434'],
	])('accepts %s → %s', (input, origin) => {
		const r = parseOllamaUrl(input);
		expect(r.ok).toBe(true);
		if (r.ok) {
			expect(r.url.origin).toBe(origin);
			expect(r.url.openaiBase).toBe(`${origin}/v1`);
		}
	});

	it.each([
		['', /empty/],
		['ollama.internal:11434', /no scheme/],
		['http://', /not a valid URL|no host/],
		['ftp://ollama.internal', /uses ftp/],
		['http://0.0.0.0:11434', /bind address, not a destination/],
		['http://[::]:11434', /bind address, not a destination/],
		['http://host:0', /between 1 and 65535/],
		['http://host:65536', /between 1 and 65535|not a valid URL/],
		['http://host:abc', /between 1 and 65535|not a valid URL/],
		['http://fe80::1:11434', /IPv6 address without brackets|not a valid URL/],
		['http://ollama internal:11434', /spaces/],
		['http://$(touch x):11434', /spaces|not a valid|host name/],
		['http://$(id):11434', /not a valid|host name/],
		['http://a;rm -rf:11434', /spaces|not a valid|host name/],
		['http://`id`:11434', /not a valid|host name/],
		['http://host:11434/v1/chat/completions', /chat\/completions/],
		['http://host:11434/api', /path/],
		['http://host:11434/v1/v1', /path/],
		['http://user:pw@host:11434', /user name or password/],
		['http://host:11434/?x=1', /query/],
		[`http://${'a'.repeat(10_000)}:11434`, /characters long|host name/],
		['http://host\uFFFD:11434', /invalid bytes/],
	])('rejects %j with a message naming the rule', (input, message) => {
		const r = parseOllamaUrl(input);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.problem).toMatch(message);
	});

	it('marks loopback and 100.64.0.0/10 hosts', () => {
		const a = parseOllamaUrl('http://127.0.0.1:11434');
		const b = parseOllamaUrl('http://100.64.1.25:11434/v1');
		expect(a.ok && a.url.loopback).toBe(true);
		expect(b.ok && b.url.cgnat).toBe(true);
	});
});

describe('URL credentials are refused without echoing the password', () => {
	const PW = 'Pw-4e1f9c-never-shown';
	it.each([
		[`http://user:${PW}@host:11434`, 'http://user:***@host:11434'],
		[`  http://user:${PW}@ollama.home.internal:11434/v1  `, 'http://user:***@ollama.home.internal:11434/v1'],
		[`https://${PW}@host`, 'https://***@host'],
		[`http://user:${PW}/x@host:11434`, 'http://user:***@host:11434'],
		[`http://user:${PW}@host:11434 and more`, 'http://user:***@host:11434 and more'],
		[`http://user:${PW}@host:99999`, 'http://user:***@host:99999'],
		[`user:${PW}@host:11434`, 'user:***@host:11434'],
		[`ftp://user:${PW}@host`, 'ftp://user:***@host'],
	])('%j → %s', (input, shown) => {
		const r = parseOllamaUrl(input);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.problem).not.toContain(PW);
		expect(r.problem).toContain(JSON.stringify(shown));
		expect(r.problem).toMatch(/user name or password/);
	});
});
