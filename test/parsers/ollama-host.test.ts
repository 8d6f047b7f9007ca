import {describe, expect, it} from 'vitest';
import {parseOllamaHostValue, validateBindValue} from '../../source/parsers/ollama-host.js';

// The whole TestHost table of Ollama's `envconfig/config_test.go`
// (https://github.com/ollama/ollama/blob/main/envconfig/config_test.go), plus the last three rows.
const TEST_HOST: [name: string, value: string, expect: string][] = [
	['empty', '', 'http://127.0.0.1:11434'],
	['only address', '1.2.3.4', 'http://1.2.3.4:11434'],
	['only port', ':1234', 'http://:1234'],
	['address and port', '1.2.3.4:1234', 'http://1.2.3.4:1234'],
	['hostname', 'example.com', 'http://example.com:11434'],
	['hostname and port', 'example.com:1234', 'http://example.com:1234'],
	['zero port', ':0', 'http://:0'],
	['too large port', ':66000', 'http://:11434'],
	['too small port', ':-1', 'http://:11434'],
	['ipv6 localhost', '[::1]', 'http://[::1]:11434'],
	['ipv6 world open', '[::]', 'http://[::]:11434'],
	['ipv6 no brackets', '::1', 'http://[::1]:11434'],
	['ipv6 + port', '[::1]:1337', 'http://[::1]:1337'],
	['extra space', ' 1.2.3.4 ', 'http://1.2.3.4:11434'],
	['extra quotes', '"1.2.3.4"', 'http://1.2.3.4:11434'],
	['extra space+quotes', ' " 1.2.3.4 " ', 'http://1.2.3.4:11434'],
	['extra single quotes', "'1.2.3.4'", 'http://1.2.3.4:11434'],
	['http', 'http://1.2.3.4', 'http://1.2.3.4:80'],
	['http port', 'http://1.2.3.4:4321', 'http://1.2.3.4:4321'],
	['https', 'https://1.2.3.4', 'https://1.2.3.4:443'],
	['https port', 'https://1.2.3.4:4321', 'https://1.2.3.4:4321'],
	['proxy path', 'https://example.com/ollama', 'https://example.com:443/ollama'],
	['ollama.com', 'ollama.com', 'https://ollama.com:443'],
	['0.0.0.0', '0.0.0.0', 'http://0.0.0.0:11434'],
	['0.0.0.0:11434', '0.0.0.0:11434', 'http://0.0.0.0:11434'],
];

describe('parseOllamaHostValue (TestHost)', () => {
	for (const [name, value, expected] of TEST_HOST) {
		it(`TestHost "${name}": ${JSON.stringify(value)} → ${expected}`, () => {
			const result = parseOllamaHostValue(value);
			expect(result.ok).toBe(true);
			expect(result.url).toBe(expected);
		});
	}

	it('unset is the same as empty: loopback default', () => {
		expect(parseOllamaHostValue(undefined)).toMatchObject({scheme: 'http', host: '127.0.0.1', port: 11434, scope: 'loopback', portFallback: false});
	});

	it('`http://1.2.3.4` → port 80 pitfall is flagged', () => {
		expect(parseOllamaHostValue('http://1.2.3.4')).toMatchObject({host: '1.2.3.4', port: 80, schemeDefaultPort: true});
		expect(parseOllamaHostValue('http://0.0.0.0')).toMatchObject({port: 80, scope: 'all', schemeDefaultPort: true});
		expect(parseOllamaHostValue('1.2.3.4').schemeDefaultPort).toBe(false);
	});

	it('fields: scope, path, invalid port fallback', () => {
		expect(parseOllamaHostValue(':1234')).toMatchObject({host: '', port: 1234, scope: 'all'});
		expect(parseOllamaHostValue('[::]')).toMatchObject({host: '::', scope: 'all'});
		expect(parseOllamaHostValue('::1')).toMatchObject({host: '::1', scope: 'loopback'});
		expect(parseOllamaHostValue('192.168.1.10:11434')).toMatchObject({scope: 'specific'});
		expect(parseOllamaHostValue('https://example.com/ollama')).toMatchObject({scheme: 'https', path: 'ollama', port: 443});
		expect(parseOllamaHostValue(':66000')).toMatchObject({port: 11434, portFallback: true});
		expect(parseOllamaHostValue('1.2.3.4:abc')).toMatchObject({host: '1.2.3.4', port: 11434, portFallback: true});
		expect(parseOllamaHostValue('tcp://1.2.3.4').url).toBe('tcp://1.2.3.4:11434');
	});
});

describe('validateBindValue', () => {
	it('accepts host:port with an IP literal', () => {
		expect(validateBindValue('0.0.0.0:11434')).toEqual({ok: true, host: '0.0.0.0', port: 11434, value: '0.0.0.0:11434', scope: 'all'});
		expect(validateBindValue('127.0.0.1:11434')).toMatchObject({ok: true, scope: 'loopback'});
		expect(validateBindValue('192.168.1.20:8080')).toMatchObject({ok: true, host: '192.168.1.20', port: 8080, scope: 'specific'});
		expect(validateBindValue('[::]:11434')).toEqual({ok: true, host: '::', port: 11434, value: '[::]:11434', scope: 'all'});
		expect(validateBindValue('[::1]:65535')).toMatchObject({ok: true, port: 65535, scope: 'loopback'});
	});

	const rejected: [string, RegExp][] = [
		['http://0.0.0.0', /^"http:\/\/0\.0\.0\.0" has a scheme; Ollama would then bind port 80 — write 0\.0\.0\.0:11434/],
		['https://0.0.0.0', /bind port 443 — write 0\.0\.0\.0:11434/],
		['http://0.0.0.0:11434', /^"http:\/\/0\.0\.0\.0:11434" has a scheme — write 0\.0\.0\.0:11434/],
		['0.0.0.0', /has no port; Ollama would use 11434, but write it explicitly: 0\.0\.0\.0:11434/],
		['', /empty; Ollama would then listen on 127\.0\.0\.1:11434/],
		[' 0.0.0.0:11434', /spaces or quotes around it; write the bare value 0\.0\.0\.0:11434/],
		['"0.0.0.0:11434"', /spaces or quotes/],
		['0.0.0.0:11434/ollama', /has a path/],
		[':11434', /has no host; write 0\.0\.0\.0:11434/],
		['0.0.0.0:66000', /port "66000" .* not a number from 1 to 65535; Ollama would silently use 11434 instead/],
		['0.0.0.0:0', /port "0" .*the OS would pick a random port/],
		['0.0.0.0:', /port "" /],
		['0.0.0.0:abc', /port "abc"/],
		['example.com:11434', /host "example\.com" .* is not an IP address/],
		['localhost:11434', /is not an IP address/],
		['::1', /IPv6 address without brackets; write \[::1\]:11434/],
		['::1:11434', /IPv6 address without brackets; write \[::1\]:11434/],
		['fe80:::11434', /write \[fe80::\]:11434/],
		['a:b:11434', /more than one colon; IPv6 addresses go in brackets/],
		['[::1]', /has no port; write \[::1\]:11434/],
		['[1.2.3.4]:11434', /brackets are only for IPv6/],
		['[fe80::1%en0]:11434', /IPv6 zone/],
		['[::1', /not \[IPv6\]:PORT/],
		['224.0.0.1:11434', /multicast/],
		['0.0.0.0 :11434', /spaces/],
	];
	for (const [value, problem] of rejected) {
		it(`rejects ${JSON.stringify(value)} with a sentence naming the value and the rule`, () => {
			const result = validateBindValue(value);
			expect(result.ok).toBe(false);
			if (!result.ok) expect(result.problem).toMatch(problem);
		});
	}
});
