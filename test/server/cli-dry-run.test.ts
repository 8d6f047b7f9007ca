/**
 * `setup --dry-run --platform <other OS>` through the built binary: the full plan — every command
 * and the full content of every file — printed on any machine, planned from stated assumptions,
 * with nothing written and nothing run.
 */
import {readdirSync, statSync} from 'node:fs';
import path from 'node:path';
import {parse as parsePlist} from 'plist';
import {describe, expect, it} from 'vitest';
import {runCli} from '../support/cli.js';

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const p = path.join(d, name);
			if (statSync(p).isDirectory()) walk(p);
			else out.push(path.relative(dir, p));
		}
	};
	walk(dir);
	return out;
}

/** The other OS (for the "not this machine's OS" usage error). */
const foreign = process.platform === 'darwin' ? 'linux' : 'darwin';
const host = process.platform === 'darwin' || process.platform === 'linux' ? process.platform : null;

/** The `+` lines of a printed new-file diff, back to the file text. */
function printedFile(stdout: string, file: string): string {
	const lines = stdout.split('\n');
	const start = lines.findIndex((l) => l.trim() === `+++ ${file}`);
	const body: string[] = [];
	for (const l of lines.slice(start + 2)) {
		const m = /^ {4}\+(.*)$/.exec(l);
		if (!m) break;
		body.push(m[1] ?? '');
	}
	return `${body.join('\n')}\n`;
}

/** Only the wizard's own run log is written: no LaunchAgents folder, no drop-in, no journal. */
function onlyRunLog(home: string): boolean {
	return filesUnder(home).every((f) => f.startsWith(path.join('wizard-state', 'logs')));
}

// An explicit --platform with --dry-run always plans from stated assumptions, whatever this machine is:
// both cases run on every host (a Linux CI box without Ollama must still print the full drop-in).
describe(`setup --dry-run --platform darwin|linux on this ${process.platform} machine`, () => {
	it('darwin: prints the LaunchAgent plist in full and the launchctl commands; writes nothing', async () => {
		const r = await runCli(['setup', '--dry-run', '--platform', 'darwin', '--role', 'server', '--method', 'launchagent', '--bind', '0.0.0.0:11434', '--alias', 'ollama.home.internal']);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const plistPath = '/Users/YOU/Library/LaunchAgents/com.ollama.server.plist';
		expect(r.stdout).toContain(`create ${plistPath} (mode 644)`);
		const plist = parsePlist(printedFile(r.stdout, plistPath)) as Record<string, unknown>;
		expect(plist).toMatchObject({
			Label: 'com.ollama.server',
			ProgramArguments: ['/Applications/Ollama.app/Contents/Resources/ollama', 'serve'],
			EnvironmentVariables: {OLLAMA_HOST: '0.0.0.0:11434'},
			RunAtLoad: true,
			KeepAlive: true,
		});
		expect(r.stdout).toContain(`$ plutil -lint ${plistPath}`);
		expect(r.stdout).toContain(`$ launchctl bootstrap gui/UID ${plistPath}`);
		expect(r.stdout).toContain('planned for macOS from stated assumptions');
		expect(r.stdout).toContain('Ollama has no authentication');
		expect(r.stdout).toContain('Resource address');
		expect(r.stdout).toMatch(/^otw1:[A-Za-z0-9_-]+$/m);
		expect(r.stdout).toContain('Done (dry run: nothing was changed).');
		expect(r.stdout).not.toContain('not run: this is a --platform');
		expect(onlyRunLog(r.home)).toBe(true);
	});

	it('linux: prints the systemd drop-in in full and the sudo commands; writes nothing', async () => {
		const r = await runCli(['setup', '--dry-run', '--platform', 'linux', '--role', 'server', '--method', 'systemd', '--bind', '0.0.0.0:11434', '--alias', 'ollama.home.internal']);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('create /etc/systemd/system/ollama.service.d/override.conf (mode 644)');
		expect(printedFile(r.stdout, '/etc/systemd/system/ollama.service.d/override.conf')).toBe('[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11434"\n');
		expect(r.stdout).toContain('$ sudo systemctl daemon-reload');
		expect(r.stdout).toContain('$ sudo systemctl restart ollama');
		expect(r.stdout).toContain('planned for Linux from stated assumptions');
		expect(r.stdout).not.toContain('Install Ollama as a service first');
		expect(r.stdout).not.toContain('not run: this is a --platform');
		expect(r.stdout).not.toMatch(/\bMac\b/);
		expect(r.stdout).toMatch(/^otw1:[A-Za-z0-9_-]+$/m);
		expect(r.stdout).toContain('Done (dry run: nothing was changed).');
		expect(onlyRunLog(r.home)).toBe(true);
	});

	it.runIf(host !== null)(`--platform ${host ?? 'this-os'} (this machine's own OS) without --dry-run is a usage error too`, async () => {
		const r = await runCli(['setup', '--platform', host ?? 'linux', '--role', 'server', '--method', host === 'darwin' ? 'launchagent' : 'systemd', '--bind', '0.0.0.0:11434']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('only works with --dry-run');
		expect(onlyRunLog(r.home)).toBe(true);
	});

	it.each(['darwin', 'linux'] as const)('--json (%s) carries the same plan: the file content as a diff, the argv, the notes', async (platform) => {
		const args = platform === 'darwin' ? ['--method', 'brew'] : ['--method', 'systemd'];
		const r = await runCli(['setup', '--dry-run', '--json', '--platform', platform, '--role', 'server', ...args, '--bind', '192.168.1.20:11434', '--alias', 'ollama.internal', '--connector', 'docker-here']);
		expect(r.code).toBe(0);
		const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
		const plan = events.find((e) => e.type === 'step:plan' && e.step === 'ollama-remote-access') as {actions: {kind: string; argv?: string[]; diff?: string}[]; notes: string[]};
		expect(plan.notes.join(' ')).toContain('stated assumptions');
		const step1 = events.find((e) => e.type === 'step:plan' && e.step === 'twingate-network') as {actions: {kind: string; argv?: string[]; text?: string}[]};
		const checklist = step1.actions.find((x) => x.kind === 'manual' && x.text?.includes('Add Resource'))?.text ?? '';
		if (platform === 'darwin') {
			expect(plan.actions.map((a) => a.argv?.[0] ?? a.kind)).toEqual(['brew', 'file', 'plutil', 'launchctl']);
			expect(plan.actions[1]?.diff).toContain('<string>/opt/homebrew/opt/ollama/bin/ollama</string>');
			expect(plan.actions[1]?.diff).toContain('<string>192.168.1.20:11434</string>');
			expect(step1.actions[0]?.argv).toContain('dockerhost:host-gateway');
			expect(checklist).toContain('Address: dockerhost');
			// The probe was not run (the default): the plan says that is why Ollama leaves loopback.
			expect(plan.notes.join(' ')).toContain('the Docker probe was not run');
		} else {
			// Linux: the Connector runs with --network=host and no --add-host, so there is no dockerhost.
			expect(step1.actions[0]?.argv).toContain('--network=host');
			expect(step1.actions[0]?.argv).not.toContain('--add-host');
			expect(checklist).toContain('Address: <LAN IP of this machine>');
			expect(r.stdout).not.toContain('dockerhost');
			expect(r.stdout).not.toMatch(/\bMac\b/);
		}
		const summary = events.at(-1) as {dryRun: boolean; status: string};
		expect(summary.dryRun).toBe(true);
	});

	it(`--platform ${foreign} without --dry-run is a usage error (exit 2)`, async () => {
		const r = await runCli(['setup', '--platform', foreign, '--role', 'server', '--method', foreign === 'darwin' ? 'launchagent' : 'systemd', '--bind', '0.0.0.0:11434']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`--platform ${foreign} is not this machine's OS`);
		expect(r.stderr).toContain('--dry-run');
		const client = await runCli(['setup', '--dry-run', '--platform', foreign, '--role', 'client']);
		expect(client.code).toBe(2);
		expect(client.stderr).toContain('Add --role server.');
	});

	it('bad values are exit 2 naming the flag and the rule', async () => {
		const scheme = await runCli(['setup', '--dry-run', '--platform', foreign, '--bind', 'http://0.0.0.0']);
		expect(scheme.code).toBe(2);
		expect(scheme.stderr).toContain('--bind: "http://0.0.0.0" has a scheme; Ollama would then bind port 80');
		const alias = await runCli(['setup', '--dry-run', '--platform', foreign, '--alias', 'mac.local']);
		expect(alias.code).toBe(2);
		expect(alias.stderr).toContain('ends in .local');
		const handle = await runCli(['setup', '--dry-run', '--platform', foreign, '--resource-address', '100.87.112.117']);
		expect(handle.code).toBe(2);
		expect(handle.stderr).toContain('tunnel handle');
		const method = await runCli(['setup', '--dry-run', '--platform', 'darwin', '--role', 'server', '--method', 'systemd', '--bind', '0.0.0.0:11434', '--alias', 'ollama.internal']);
		expect(method.code).toBe(2);
		expect(method.stderr).toContain('--method systemd does not apply to macOS');
	});
});
