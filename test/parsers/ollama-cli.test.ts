import {describe, expect, it} from 'vitest';
import {
	compareVersions,
	isAtLeast,
	parseListeningLog,
	parseOllamaList,
	parseOllamaPs,
	parseOllamaVersion,
	parseServerConfigHost,
} from '../../source/parsers/ollama-cli.js';

// F5 [verbatim #3581].
const F5 = [
	'time=2024-04-10T21:12:53.994+02:00 level=INFO source=routes.go:1118 msg="Listening on 127.0.0.1:11434 (version 0.1.31)"',
	'time=2024-04-11T08:26:43.688-04:00 level=INFO source=routes.go:1139 msg="Listening on [::]:11434 (version 0.1.32-rc1)"',
];

// F7 [verbatim #9083].
const F7 = 'routes.go:1186: INFO server config env="map[... OLLAMA_HOST:http://127.0.0.1:11434 ...]"';

// F13 `ollama list` [verbatim #3876]; the header keeps its 4 trailing spaces.
const F13_LIST = ['NAME            ID              SIZE    MODIFIED    ', 'llama3:latest   a6990ed6be41    4.7 GB  5 hours ago'].join('\n');

// F13 older `ollama ps` [docs].
const F13_PS_OLD = ['NAME        ID            SIZE    PROCESSOR   UNTIL', 'llama3:70b  bcfb190ca3a7  42 GB   100% GPU    4 minutes from now'].join('\n');

describe('parseOllamaVersion', () => {
	it('F11: server reachable and same version', () => {
		expect(parseOllamaVersion('ollama version is 0.12.3\n')).toEqual({
			ok: true,
			serverVersion: '0.12.3',
			clientVersion: '0.12.3',
			serverReachable: true,
			mismatch: false,
		});
	});

	it('F11: no server → client version only, serverReachable:false', () => {
		const text = 'Warning: could not connect to a running Ollama instance\nWarning: client version is 0.12.3\n';
		expect(parseOllamaVersion(text)).toEqual({ok: true, serverVersion: null, clientVersion: '0.12.3', serverReachable: false, mismatch: false});
	});

	it('F11: mismatch → both versions', () => {
		expect(parseOllamaVersion('ollama version is 0.17.1\nWarning: client version is 0.12.3\n')).toEqual({
			ok: true,
			serverVersion: '0.17.1',
			clientVersion: '0.12.3',
			serverReachable: true,
			mismatch: true,
		});
	});

	it('empty, unrelated or non-version text → ok:false with a sentence', () => {
		const empty = parseOllamaVersion('');
		expect(empty).toMatchObject({ok: false, problem: 'ollama -v printed nothing.', serverReachable: false});
		const missing = parseOllamaVersion('zsh: command not found: ollama');
		expect(missing.ok).toBe(false);
		if (!missing.ok) expect(missing.problem).toBe('ollama -v printed no version; it said "zsh: command not found: ollama".');
		expect(parseOllamaVersion('ollama version is banana').ok).toBe(false);
	});
});

describe('compareVersions / isAtLeast', () => {
	it('orders releases, pre-releases (F5 `0.1.32-rc1`) and short forms', () => {
		expect(compareVersions('0.1.31', '0.1.32-rc1')).toBe(-1);
		expect(compareVersions('0.1.32-rc1', '0.1.32')).toBe(-1);
		expect(compareVersions('0.1.32', '0.1.32-rc1')).toBe(1);
		expect(compareVersions('0.33.0-rc2', '0.33.0-rc10')).toBe(-1);
		expect(compareVersions('0.10.0', '0.9.9')).toBe(1);
		expect(compareVersions('0.12', '0.12.0')).toBe(0);
		expect(compareVersions('v0.12.3', '0.12.3')).toBe(0);
		expect(compareVersions('0.12.3+abc', '0.12.3')).toBe(0);
		expect(compareVersions('0.1.32-rc1', '0.1.32-rc1')).toBe(0);
		expect(compareVersions('0.1.32-rc.1', '0.1.32-rc.1.1')).toBe(-1);
		expect(compareVersions('junk', '0.0.1')).toBe(-1);
		expect(compareVersions('0.0.1', 'junk')).toBe(1);
	});

	it('isAtLeast', () => {
		expect(isAtLeast('0.17.1', '0.17.1')).toBe(true);
		expect(isAtLeast('0.17.10', '0.17.1')).toBe(true);
		expect(isAtLeast('0.17.1-rc1', '0.17.1')).toBe(false);
		expect(isAtLeast('0.12.3', '0.17.1')).toBe(false);
		expect(isAtLeast('', '0.17.1')).toBe(false);
		expect(isAtLeast('not-a-version', '0.0.0')).toBe(false);
	});
});

describe('parseOllamaList / parseOllamaPs', () => {
	it('F13: `ollama list`, header with trailing spaces', () => {
		expect(parseOllamaList(F13_LIST)).toEqual({
			ok: true,
			models: [{name: 'llama3:latest', id: 'a6990ed6be41', size: '4.7 GB', modified: '5 hours ago'}],
		});
	});

	it('F13: older `ollama ps` header without CONTEXT', () => {
		expect(parseOllamaPs(F13_PS_OLD)).toEqual({
			ok: true,
			models: [{name: 'llama3:70b', id: 'bcfb190ca3a7', size: '42 GB', processor: '100% GPU', context: null, until: '4 minutes from now'}],
		});
	});

	it('F13: current `ollama ps` header `NAME ID SIZE PROCESSOR CONTEXT UNTIL` [constructed rows]', () => {
		const text = [
			'NAME            ID              SIZE      PROCESSOR          CONTEXT    UNTIL               ',
			'qwen3:8b        500a1f067a9f    6.9 GB    100% GPU           4096       4 minutes from now    ',
			'llama3:70b      bcfb190ca3a7    42 GB     48%/52% CPU/GPU    32768      Forever               ',
		].join('\n');
		expect(parseOllamaPs(text).models).toEqual([
			{name: 'qwen3:8b', id: '500a1f067a9f', size: '6.9 GB', processor: '100% GPU', context: 4096, until: '4 minutes from now'},
			{name: 'llama3:70b', id: 'bcfb190ca3a7', size: '42 GB', processor: '48%/52% CPU/GPU', context: 32768, until: 'Forever'},
		]);
	});

	it('header only → no models; single-space cells fall back to header offsets', () => {
		expect(parseOllamaList('NAME    ID    SIZE    MODIFIED    \n')).toEqual({ok: true, models: []});
		const tight = ['NAME         ID           SIZE   MODIFIED', 'a:b          123456789012 1 GB   now'].join('\n');
		expect(parseOllamaList(tight).models).toEqual([{name: 'a:b', id: '123456789012', size: '1 GB', modified: 'now'}]);
	});

	it('empty or wrong header → ok:false with a sentence', () => {
		expect(parseOllamaList('')).toEqual({ok: false, problem: 'ollama list printed nothing.', models: []});
		const error = parseOllamaList("Error: could not connect to ollama app, is it running?");
		expect(error.ok).toBe(false);
		if (!error.ok) expect(error.problem).toBe('ollama list did not start with the NAME ID SIZE MODIFIED header; it said "Error: could not connect to ollama app, is it running?".');
		expect(parseOllamaPs(F13_LIST).ok).toBe(false);
	});
});

describe('parseListeningLog', () => {
	it('F5: `Listening on 127.0.0.1:11434 (version 0.1.31)` → loopback', () => {
		expect(parseListeningLog(F5[0] ?? '')).toEqual({ok: true, address: '127.0.0.1:11434', host: '127.0.0.1', port: 11434, scope: 'loopback', version: '0.1.31'});
	});

	it('F5: `Listening on [::]:11434 (version 0.1.32-rc1)` → all interfaces', () => {
		expect(parseListeningLog(F5[1] ?? '')).toEqual({ok: true, address: '[::]:11434', host: '::', port: 11434, scope: 'all', version: '0.1.32-rc1'});
	});

	it('F5: whole log → the newest line wins; `http://0.0.0.0` gives `[::]:80` [from code]', () => {
		expect(parseListeningLog(F5.join('\n'))).toMatchObject({ok: true, host: '::', version: '0.1.32-rc1'});
		expect(parseListeningLog('msg="Listening on [::]:80 (version 0.12.3)"')).toMatchObject({port: 80, scope: 'all'});
		expect(parseListeningLog('level=INFO msg="Listening on 192.168.1.20:11434"')).toMatchObject({ok: true, scope: 'specific', version: null});
	});

	it('no line or odd address → ok:false with a sentence', () => {
		expect(parseListeningLog('')).toMatchObject({ok: false, problem: 'The server log has no "Listening on" line.'});
		expect(parseListeningLog('msg="Listening on somewhere (version 1)"')).toMatchObject({ok: false});
	});
});

describe('parseServerConfigHost', () => {
	it('F7: `server config env=map[... OLLAMA_HOST:http://127.0.0.1:11434 ...]`', () => {
		expect(parseServerConfigHost(F7)).toEqual({ok: true, value: 'http://127.0.0.1:11434'});
	});

	it('slog form, newest line wins, IPv6 brackets kept, closing `]` stripped', () => {
		const log = [
			F7,
			'time=2025-01-01T00:00:00Z level=INFO source=routes.go:1200 msg="server config" env="map[OLLAMA_DEBUG:false OLLAMA_HOST:http://0.0.0.0:11434 OLLAMA_KEEP_ALIVE:5m0s]"',
		].join('\n');
		expect(parseServerConfigHost(log)).toEqual({ok: true, value: 'http://0.0.0.0:11434'});
		expect(parseServerConfigHost('msg="server config" env="map[OLLAMA_HOST:http://[::]:11434]"')).toEqual({ok: true, value: 'http://[::]:11434'});
	});

	it('missing line or key → ok:false', () => {
		expect(parseServerConfigHost('nothing here')).toMatchObject({ok: false, problem: 'The server log has no "server config env=map[…]" line.'});
		expect(parseServerConfigHost('msg="server config" env="map[OLLAMA_DEBUG:false]"')).toMatchObject({ok: false});
	});
});
