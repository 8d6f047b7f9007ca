import {describe, expect, it} from 'vitest';
import {parseLsofListeners, parseSsListeners, summariseListeners, type Listener} from '../../source/parsers/listeners.js';

// F1 [3rd-party capture]: no header; the app UI listens on a random port.
const F1 = [
	'Ollama      853 scottrosenberg    4u  IPv4 0xace4297ca96f619d      0t0  TCP 127.0.0.1:49153 (LISTEN)',
	'ollama      921 scottrosenberg    3u  IPv4 0x888e00d28704b5ff      0t0  TCP 127.0.0.1:11434 (LISTEN)',
].join('\n');

// F2 [3rd-party fixture]: with header, `0.0.0.0` → dual-stack `*:11434`.
const F2 = [
	'COMMAND   PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME',
	'ollama   1234 user    3u  IPv6 0x...      0t0  TCP *:11434 (LISTEN)',
].join('\n');

// F3 [constructed]: two servers at once.
const F3 = [
	'COMMAND   PID USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME',
	'ollama    921 me      3u  IPv4 0x888e00d28704b5ff      0t0  TCP 127.0.0.1:11434 (LISTEN)',
	'ollama   4242 me      3u  IPv6 0x1c3e00d28704b5aa      0t0  TCP *:11434 (LISTEN)',
].join('\n');

// F4 [verbatim #8759]: `ss -ltnp 'sport = :11434'`.
const F4 = 'tcp   LISTEN 0      4096   *:11434   *:*    users:(("ollama",pid=8484,fd=3))';

const SS_HEADER = 'State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process';

function only(result: ReturnType<typeof parseSsListeners>): Listener {
	expect(result.ok).toBe(true);
	expect(result.listeners).toHaveLength(1);
	return result.listeners[0] as Listener;
}

describe('parseLsofListeners', () => {
	it('F1: no header, app UI on 49153 and ollama on loopback → loopback only after filtering by port', () => {
		const result = parseLsofListeners(F1);
		expect(result).toEqual({
			ok: true,
			listeners: [
				{command: 'Ollama', pid: 853, address: '127.0.0.1', port: 49153, scope: 'loopback'},
				{command: 'ollama', pid: 921, address: '127.0.0.1', port: 11434, scope: 'loopback'},
			],
		});
		const summary = summariseListeners(result.listeners);
		expect(summary.state).toBe('loopback');
		expect(summary.listeners).toHaveLength(1);
		expect(summary.pids).toEqual([921]);
		expect(summary.address).toBe('127.0.0.1');
		expect(summary.sentence).toContain('loopback only');
		expect(summariseListeners(result.listeners, 49153).pids).toEqual([853]);
	});

	it('F2: header line and `*:11434` → all interfaces', () => {
		const result = parseLsofListeners(F2);
		expect(result.listeners).toEqual([{command: 'ollama', pid: 1234, address: '*', port: 11434, scope: 'all'}]);
		const summary = summariseListeners(result.listeners);
		expect(summary.state).toBe('all');
		expect(summary.sentence).toBe('One server listens: ollama (PID 1234) on *:11434 (all interfaces, so other machines can connect).');
	});

	it('F3: two listeners on 11434 → duplicate servers', () => {
		const result = parseLsofListeners(F3);
		expect(result.ok).toBe(true);
		const summary = summariseListeners(result.listeners, 11434);
		expect(summary.state).toBe('duplicate');
		expect(summary.pids).toEqual([921, 4242]);
		expect(summary.address).toBeNull();
		expect(summary.sentence).toMatch(/^2 servers listen on port 11434 at once: ollama \(PID 921\) on 127\.0\.0\.1:11434; ollama \(PID 4242\) on \*:11434\. Keep exactly one\.$/);
	});

	it('no output (exit 1) and header only → nothing listening', () => {
		expect(parseLsofListeners('')).toEqual({ok: true, listeners: []});
		expect(parseLsofListeners('COMMAND   PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME\n')).toEqual({ok: true, listeners: []});
		expect(summariseListeners([]).state).toBe('none');
		expect(summariseListeners([]).sentence).toBe('Nothing is listening on TCP port 11434.');
	});

	it('IPv6 forms, a specific LAN address, CRLF and non-LISTEN rows', () => {
		const text = [
			'ollama   10 me 3u IPv6 0xabc 0t0 TCP [::1]:11434 (LISTEN)',
			'ollama   11 me 3u IPv6 0xabc 0t0 TCP [::]:11435 (LISTEN)',
			'ollama   12 me 3u IPv4 0xabc 0t0 TCP 192.168.1.20:11436 (LISTEN)',
			'ollama   13 me 3u IPv4 0xabc 0t0 TCP 127.0.0.1:11434->127.0.0.1:50000 (ESTABLISHED)',
			'mDNSRespo 14 me 3u IPv4 0xabc 0t0 UDP *:5353',
		].join('\r\n');
		const result = parseLsofListeners(text);
		expect(result.ok).toBe(true);
		expect(result.listeners.map((l) => [l.address, l.port, l.scope])).toEqual([
			['::1', 11434, 'loopback'],
			['::', 11435, 'all'],
			['192.168.1.20', 11436, 'specific'],
		]);
		const summary = summariseListeners(result.listeners, 11436);
		expect(summary.state).toBe('specific');
		expect(summary.address).toBe('192.168.1.20');
		expect(summariseListeners(result.listeners, 11434).sentence).toContain('[::1]:11434');
	});

	it('malformed output → ok:false with a sentence, never a throw', () => {
		const garbage = parseLsofListeners('lsof: unacceptable port specification in: -i :abc');
		expect(garbage.ok).toBe(false);
		if (!garbage.ok) expect(garbage.problem).toMatch(/^Line 1 of the lsof output is not a socket row: "lsof: unacceptable/);
		const named = parseLsofListeners('ollama 921 me 3u IPv4 0xabc 0t0 TCP localhost:11434 (LISTEN)\nollama 922 me 3u IPv4 0xabc 0t0 TCP *:http-alt (LISTEN)');
		expect(named.ok).toBe(false);
		if (!named.ok) expect(named.problem).toContain('-P');
		expect(named.listeners).toEqual([]);
	});

	it('`localhost` (no -n) counts as loopback', () => {
		expect(parseLsofListeners('ollama 921 me 3u IPv4 0xabc 0t0 TCP localhost:11434 (LISTEN)').listeners[0]?.scope).toBe('loopback');
	});
});

describe('parseSsListeners', () => {
	it('F4: `*:11434` with the Netid column → all interfaces, process and PID', () => {
		const listener = only(parseSsListeners(F4));
		expect(listener).toEqual({command: 'ollama', pid: 8484, address: '*', port: 11434, scope: 'all'});
		expect(summariseListeners([listener]).state).toBe('all');
	});

	it('IPv4 0.0.0.0, loopback, [::], :::, IPv4-mapped and zone forms [constructed]', () => {
		const text = [
			SS_HEADER,
			'LISTEN 0      4096         0.0.0.0:11434      0.0.0.0:*    users:(("ollama",pid=1,fd=3))',
			'LISTEN 0      4096       127.0.0.1:11435      0.0.0.0:*    users:(("ollama",pid=2,fd=3))',
			'LISTEN 0      4096            [::]:11436         [::]:*    users:(("ollama",pid=3,fd=3))',
			'LISTEN 0      128               :::11437           :::*',
			'LISTEN 0      4096  [::ffff:127.0.0.1]:11438         *:*    users:(("ollama",pid=5,fd=3))',
			'LISTEN 0      4096   127.0.0.53%lo:53           0.0.0.0:*',
			'LISTEN 0      4096    192.168.1.20:11439      0.0.0.0:*    users:(("ollama",pid=6,fd=3),("ollama",pid=7,fd=3))',
		].join('\n');
		const result = parseSsListeners(text);
		expect(result.ok).toBe(true);
		expect(result.listeners.map((l) => [l.address, l.port, l.scope, l.command, l.pid])).toEqual([
			['0.0.0.0', 11434, 'all', 'ollama', 1],
			['127.0.0.1', 11435, 'loopback', 'ollama', 2],
			['::', 11436, 'all', 'ollama', 3],
			['::', 11437, 'all', null, null],
			['::ffff:127.0.0.1', 11438, 'loopback', 'ollama', 5],
			['127.0.0.53', 53, 'loopback', null, null],
			['192.168.1.20', 11439, 'specific', 'ollama', 6],
		]);
		expect(summariseListeners(result.listeners, 11437).sentence).toBe('One server listens: a process on [::]:11437 (all interfaces, so other machines can connect).');
	});

	it('header only or empty → nothing listening; two rows on one port → duplicate', () => {
		expect(parseSsListeners(`${SS_HEADER}\n`)).toEqual({ok: true, listeners: []});
		expect(parseSsListeners('')).toEqual({ok: true, listeners: []});
		const two = parseSsListeners(`${F4}\ntcp   LISTEN 0      4096   127.0.0.1:11434   0.0.0.0:*    users:(("ollama",pid=9,fd=3))`);
		expect(summariseListeners(two.listeners).state).toBe('duplicate');
	});

	it('non-LISTEN rows and udp rows are skipped', () => {
		const result = parseSsListeners('tcp ESTAB 0 0 127.0.0.1:11434 127.0.0.1:5000 users:(("ollama",pid=1,fd=9))\nudp UNCONN 0 0 *:5353 *:*');
		expect(result).toEqual({ok: true, listeners: []});
	});

	it('malformed output → ok:false with a sentence', () => {
		const result = parseSsListeners('Cannot open netlink socket: Protocol not supported');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problem).toMatch(/^Line 1 of the ss output is not a socket row/);
		const badPort = parseSsListeners('LISTEN 0 4096 *:ollama *:*');
		expect(badPort.ok).toBe(false);
	});
});
