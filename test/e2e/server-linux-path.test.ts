/**
 * The server path on a Linux Ollama host with the systemd method, as a person drives it in a real
 * terminal (tmux) at 80×24 and 100×32: Ollama installed by the official installer (ollama.service) and
 * listening on 127.0.0.1:11434; step 1 with a Connector that already runs, step 2 writes the
 * drop-in with sudo, reloads systemd and restarts Ollama so it listens on 0.0.0.0:11434, step 3
 * prints the connection card with the server's models. Fakes (test/support/linux-host.ts): a
 * private mount namespace puts a temp folder over /etc/systemd/system, and `systemctl`, `ss`,
 * `ip`, `sudo`, `id`, `hostname`, `docker` are small stateful scripts that log every call.
 */
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {decodeCard} from '../../source/core/card.js';
import {LAN_ADDRESS, linuxHost, namespacesAvailable, type LinuxHost} from '../support/linux-host.js';
import {frameRows, paneWords, SIZES, think} from '../support/person.js';
import {PtyRun, ptySupport} from '../support/pty.js';

const support = ptySupport();
const ns = support.run ? namespacesAvailable() : {ok: false as const, reason: 'no tmux'};
if (!ns.ok) console.warn(`[e2e] server path skipped: ${ns.reason}`);

/** The question or note on screen now (its first line), or null. */
function asking(screen: string): string | null {
	const rows = screen.split('\n').map((row) => (row.includes('││') ? row.slice(row.lastIndexOf('││') + 1) : row));
	// A note longer than its box is paged: read it to the end (space), then enter.
	const page = /Page (\d+) of (\d+) · space: more/.exec(screen);
	if (page && Number(page[1]) < Number(page[2])) return `note page ${page[1]}`;
	if (rows.some((row) => row.includes('Press enter to continue.') || /enter: continue\b/.test(row))) return 'note';
	if (rows.some((row) => /space: next/.test(row))) return 'page';
	// The end: the card on screen, the run holds it until enter (so it can be copied).
	if (screen.includes('Connection card for the AIlice side') && /enter continue/.test(screen) && !/\? /.test(rows.join('\n'))) return 'end';
	for (const row of rows) {
		const q = /^│ \? (.+?)\s*(?:[yY]\/[nN])?\s*│?$/.exec(row);
		if (q?.[1]) return q[1].trim();
	}
	return null;
}

describe.skipIf(!support.run || !ns.ok)('the server path on Linux with systemd (tmux, fakes)', () => {
	let run: PtyRun | undefined;
	let host: LinuxHost | undefined;
	afterEach(() => {
		host?.stop();
		run?.close();
		run = undefined;
		host = undefined;
	});

	for (const [cols, rows] of SIZES) it(`${cols}×${rows}: existing Connector, the systemd drop-in written with sudo, Ollama restarted on 0.0.0.0:11434, the card printed; exit 0`, async () => {
		run = PtyRun.prepare();
		const r = run;
		host = linuxHost(r.dir);
		const h = host;
		const saved = process.env.PATH;
		process.env.PATH = `${h.tmuxWrapperDir}:${saved ?? ''}`;
		try {
			r.start({args: ['setup', '--role', 'server'], cols, rows, pathPrepend: [h.bin]});
		} finally {
			process.env.PATH = saved;
		}
		expect(h.listening()).toBe('127.0.0.1:11434');

		const seen: string[] = [];
		const answers: [RegExp, string][] = [
			[/^Where should the Twingate Connector run\?/, 'Enter'], // the first choice: a Connector already runs
			[/^Does the Admin Console show that Connector/, 'y'],
			[/^Resource alias clients will use/, 'Enter'], // the default, ollama.home.internal
			[/^Is this Resource created/, 'y'],
			[/^Also use the Twingate client on this machine/, 'Enter'], // No
			[/^How should Ollama get its new address\?/, 'Enter'], // the systemd drop-in (recommended)
			[/^Where should Ollama listen\?/, 'Enter'], // 0.0.0.0:11434, as in Ollama's FAQ
			[/^Apply /, 'y'],
		];
		let last = '';
		const deadline = Date.now() + 60_000;
		while (r.exitCode() === null && Date.now() < deadline) {
			const screen = await r.waitFor((s) => s !== last && asking(s) !== null, 20_000).catch(() => r.screen());
			if (r.exitCode() !== null) break;
			const q = asking(screen);
			if (q === null || screen === last) {
				await think(100);
				continue;
			}
			last = screen;
			seen.push(q);
			expect(frameRows(screen), screen).toBeLessThan(rows);
			if (q === 'end') r.press('Enter');
			else if (q.startsWith('note page')) r.press('Space');
			else if (q === 'note') r.press('Enter');
			else if (q === 'page') r.press('Space');
			else {
				const hit = answers.find(([re]) => re.test(q));
				if (!hit) throw new Error(`an unexpected question: ${q}; screen:\n${screen}`);
				r.press(hit[1]);
			}
			await think(60);
		}
		const {code} = await r.waitForExit(10_000);
		const done = r.screen();
		const calls = h.calls();
		expect(code, `${done}\n${seen.join('\n')}\n${calls.join('\n')}`).toBe(0);

		// The questions a person answered, in order.
		expect(seen.filter((q) => !['note', 'page', 'end'].includes(q) && !q.startsWith('note page')).map((q) => q.slice(0, 30))).toEqual([
			'Where should the Twingate Conn',
			'Does the Admin Console show th',
			'Resource alias clients will us',
			'Is this Resource created (or a',
			'Also use the Twingate client o',
			'How should Ollama get its new ',
			'Where should Ollama listen? (h',
			'Apply the 4 changes of step 2 ',
		]);
		// The drop-in, in the fake /etc/systemd/system, installed with sudo; then reload and restart with sudo.
		const dropIn = path.join(h.etcSystemd, 'ollama.service.d', 'override.conf');
		expect(existsSync(dropIn)).toBe(true);
		expect(readFileSync(dropIn, 'utf8')).toMatch(/^\[Service\]\nEnvironment="?OLLAMA_HOST=0\.0\.0\.0:11434"?/m);
		const sudo = calls.filter((c) => c.startsWith('sudo '));
		expect(sudo.some((c) => /^sudo install -D -m 0644 \S+ \/etc\/systemd\/system\/ollama\.service\.d\/override\.conf$/.test(c))).toBe(true);
		expect(sudo).toContain('sudo systemctl daemon-reload');
		expect(sudo).toContain('sudo systemctl restart ollama');
		expect(calls.indexOf('sudo systemctl daemon-reload')).toBeLessThan(calls.indexOf('sudo systemctl restart ollama'));
		expect(calls).toContain('ss -ltnp sport = :11434');
		expect(calls).toContain('ip -j addr');
		expect(h.listening()).toBe('0.0.0.0:11434');

		// The end: the card for the AIlice side, with the server's models and the alias.
		const words = paneWords(done);
		// Printed after the UI ended, as plain text from the first column (wrapped by the terminal only).
		const lines = done.split('\n');
		const at = lines.findIndex((l) => l.startsWith('otw1:'));
		let card = at >= 0 ? (lines[at] ?? '') : '';
		for (let i = at + 1; at >= 0 && i < lines.length && /^[A-Za-z0-9_-]+$/.test(lines[i] ?? '') && (lines[i - 1] ?? '').length === cols; i++) card += lines[i];
		const decoded = decodeCard(card);
		expect(decoded.ok, `${card}\n${done}`).toBe(true);
		if (decoded.ok) {
			expect(decoded.card.url).toBe('http://ollama.home.internal:11434');
			expect(decoded.card.models).toEqual(['llama3.2:latest']);
		}
		expect(words).toContain(LAN_ADDRESS);
	}, 90_000);
});
