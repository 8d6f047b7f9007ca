/**
 * Commands that need the real terminal: the Ink UI steps aside while sudo asks for a
 * password, every typed key reaches sudo (none is eaten by the wizard), and the UI comes back.
 * `undo` of a run that changed a system file reverses it with `sudo mv …`; a fake `sudo` first on
 * PATH asks for the password on /dev/tty like the real one, records what it read, then runs the command.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {PtyRun, ptySupport, sttyFlag} from '../support/pty.js';

const support = ptySupport();
if (!support.run) console.warn(`[e2e] ${support.reason}`);

const FAKE_SUDO = (passwordFile: string) => `#!/bin/sh
printf '[sudo] password for tester: ' > /dev/tty
stty -echo < /dev/tty
IFS= read -r pw < /dev/tty
stty echo < /dev/tty
printf '\\n' > /dev/tty
printf '%s' "$pw" > '${passwordFile}'
exec "$@"
`;

describe.skipIf(!support.run)('terminal hand-over in a real terminal (tmux)', () => {
	let run: PtyRun | undefined;
	afterEach(() => {
		run?.close();
		run = undefined;
	});

	/** `undo` of a run that moved a system file aside with sudo: undo moves it back, with sudo. */
	function undoWithSudo(): {r: PtyRun; passwordFile: string; moved: string; original: string} {
		run = PtyRun.prepare();
		const r = run;
		const passwordFile = path.join(r.dir, 'password-read-by-sudo');
		const bin = r.fakeCommand('sudo', FAKE_SUDO(passwordFile));
		const moved = path.join(r.dir, 'override.conf.bak');
		const original = path.join(r.dir, 'override.conf');
		writeFileSync(moved, '[Service]\n');
		mkdirSync(r.stateDir, {recursive: true});
		const at = new Date().toISOString();
		writeFileSync(
			path.join(r.stateDir, 'journal.json'),
			JSON.stringify({
				schemaVersion: 1,
				role: 'server',
				updatedAt: at,
				steps: {},
				runs: [{id: 'run1', at, files: [], commands: [{argv: ['sudo', 'cp', '-p', original, moved], undo: ['sudo', 'mv', moved, original]}], undone: false}],
				card: null,
			}),
		);
		r.start({args: ['undo'], pathPrepend: [bin]});
		return {r, passwordFile, moved, original};
	}

	async function toPasswordPrompt(r: PtyRun): Promise<string> {
		await r.waitFor((screen) => screen.includes('? Apply the 1 change') && screen.includes('$ sudo mv'));
		r.press('y');
		return r.waitFor('[sudo] password for tester:');
	}

	it('sudo gets the terminal for its password prompt, then the wizard comes back and finishes', async () => {
		const {r, passwordFile, moved, original} = undoWithSudo();
		const handedOver = await toPasswordPrompt(r);
		// The UI stepped aside: its frame is gone and one line says what runs.
		expect(handedOver).toContain('▸ Running `sudo mv');
		expect(handedOver).toContain('sudo may ask for your password');
		expect(handedOver).not.toContain('╭');
		// Letters the wizard would take as keys (q quits, s skips, r retries) all go to sudo.
		r.type('pa55-qsr');
		r.press('Enter');

		const back = await r.waitFor('reverted');
		const {code} = await r.waitForExit();
		expect(code).toBe(0);
		expect(readFileSync(passwordFile, 'utf8')).toBe('pa55-qsr');
		expect(existsSync(original)).toBe(true);
		expect(existsSync(moved)).toBe(false);
		expect(back).toContain(`The changes of run run1 are reverted.`);
		// Never echoed: the password is not on the screen.
		expect(r.screen()).not.toContain('pa55');
		const stty = r.sttyAfterExit();
		expect(sttyFlag(stty, 'icanon'), stty).toBe(true);
		expect(sttyFlag(stty, 'echo'), stty).toBe(true);
		expect(r.cursorVisible()).toBe(true);
	});

	it('Ctrl-C at the sudo prompt (a real SIGINT: the terminal is not raw then) stops sudo; the wizard says cancelled and exits 130', async () => {
		const {r, passwordFile, moved, original} = undoWithSudo();
		await toPasswordPrompt(r);
		r.press('C-c');
		const {code, waitedMs} = await r.waitForExit(10_000);
		expect(code).toBe(130);
		expect(waitedMs).toBeLessThan(5000);
		expect(r.screen()).toContain('Cancelled');
		expect(existsSync(passwordFile)).toBe(false);
		expect(existsSync(moved)).toBe(true);
		expect(existsSync(original)).toBe(false);
		const stty = r.sttyAfterExit();
		expect(sttyFlag(stty, 'icanon'), stty).toBe(true);
		expect(sttyFlag(stty, 'echo'), stty).toBe(true);
		expect(r.cursorVisible()).toBe(true);
	});
});
