/**
 * A stateful Linux Ollama host for steps 1–2: what systemd has read, where Ollama listens, the drop-in in
 * the overlay filesystem. Its command runner answers the read-only commands from that state and changes
 * the state for the mutating ones (install, cp, mv, rm, daemon-reload, restart); any other command fails
 * the test, like FakeRunner. So a rerun sees exactly what the first run left behind.
 */
import {readFileSync} from 'node:fs';
import type {CommandResult, CommandRunner} from '../../source/core/context.js';
import {LINUX_DROPIN, LINUX_UNIT} from '../../source/server/detect.js';
import {dropInBind} from '../../source/server/service-files.js';
import {UnexpectedCommandError} from '../support/fake-runner.js';
import {IP_J_ADDR, ollamaUnit} from './fixtures.js';
import {serverCtx, type ServerTestCtx} from './support.js';

const ok = (stdout = ''): CommandResult => ({exitCode: 0, stdout, stderr: '', durationMs: 1, timedOut: false, notFound: false});

/** `ip -j addr` with loopback and the Twingate tunnel only: no LAN address to test from. */
export const IP_J_NO_LAN = JSON.stringify((JSON.parse(IP_J_ADDR) as {ifname: string}[]).filter((i) => i.ifname !== 'eth0'));

const MUTATING = new Set(['install', 'cp', 'mv', 'rm', 'daemon-reload', 'restart', 'start', 'stop', 'setenv', 'unsetenv']);

export interface LinuxHostOptions {
	uid?: number;
	/** The drop-in on disk before the wizard runs (also what systemd has read, unless `loaded` says otherwise). */
	dropIn?: string;
	/** What systemd has read; defaults to `dropIn`. */
	loaded?: string | null;
	/** Where Ollama listens; defaults to what the loaded drop-in says, else Ollama's 127.0.0.1:11434. */
	listening?: string;
	/** The machine has a LAN address (eth0) to test from. */
	lan?: boolean;
}

export class FakeLinuxHost {
	readonly ctx: ServerTestCtx;
	readonly calls: string[][] = [];
	readonly writes: string[] = [];
	uid: number;
	loaded: string | null;
	listening: string;
	pid = 8484;
	lan: boolean;

	constructor(routes: Record<string, string>, opts: LinuxHostOptions = {}) {
		this.ctx = serverCtx({platform: 'linux', files: {[LINUX_UNIT]: ollamaUnit('/usr/local/bin/ollama'), ...(opts.dropIn !== undefined ? {[LINUX_DROPIN]: opts.dropIn} : {})}, routes});
		this.uid = opts.uid ?? 1000;
		this.loaded = opts.loaded !== undefined ? opts.loaded : (opts.dropIn ?? null);
		this.listening = opts.listening ?? this.boundTo(this.loaded);
		this.lan = opts.lan ?? true;
		this.ctx.run = this.run;
		const write = this.ctx.fs.writeAtomic.bind(this.ctx.fs);
		this.ctx.fs.writeAtomic = async (p, content, o) => {
			this.writes.push(p);
			return write(p, content, o);
		};
	}

	get dropIn(): string | null {
		const e = this.ctx.vfs.virtual.get(LINUX_DROPIN);
		return e?.kind === 'file' ? e.content : null;
	}

	file(p: string): string | null {
		const e = this.ctx.vfs.virtual.get(p);
		return e?.kind === 'file' ? e.content : null;
	}

	/** The commands that changed something, in order. */
	get mutations(): string[][] {
		return this.calls.filter((argv) => {
			const a = argv[0] === 'sudo' ? argv.slice(1) : argv;
			return MUTATING.has(a[0] ?? '') || (a[0] === 'systemctl' && MUTATING.has(a[1] ?? ''));
		});
	}

	private boundTo(loaded: string | null): string {
		return (loaded === null ? null : dropInBind(loaded)) ?? '127.0.0.1:11434';
	}

	private ss(): string {
		const [host, port] = [this.listening.slice(0, this.listening.lastIndexOf(':')), this.listening.slice(this.listening.lastIndexOf(':') + 1)];
		const local = host === '0.0.0.0' ? `*:${port}` : `${host}:${port}`;
		return `tcp   LISTEN 0      4096   ${local}   0.0.0.0:*    users:(("ollama",pid=${this.pid},fd=3))`;
	}

	readonly run: CommandRunner = async (cmd, args) => {
		const argv = [cmd, ...args];
		this.calls.push(argv);
		const asRoot = cmd === 'sudo' ? args : argv;
		if (cmd === 'sudo' && this.uid === 0) throw new UnexpectedCommandError(`sudo as root: ${argv.join(' ')}`);
		const [c, ...rest] = asRoot;
		const key = asRoot.join(' ');
		const vfs = this.ctx.vfs.virtual;
		switch (key) {
			case 'id -u':
				return ok(`${this.uid}\n`);
			case 'ss -ltnp sport = :11434':
				return ok(this.ss());
			case 'systemctl is-active ollama':
				return ok('active\n');
			case 'systemctl show ollama --property=NeedDaemonReload --value':
				return ok(this.dropIn === this.loaded ? 'no\n' : 'yes\n');
			case 'ip -j addr':
				return ok(this.lan ? IP_J_ADDR : IP_J_NO_LAN);
			case 'systemctl daemon-reload':
				this.loaded = this.dropIn;
				return ok();
			case 'systemctl restart ollama':
				this.listening = this.boundTo(this.loaded);
				this.pid++;
				return ok();
			default:
				break;
		}
		if (c === 'install' && rest.length === 5 && rest.slice(0, 3).join(' ') === '-D -m 0644' && rest[4] === LINUX_DROPIN) {
			vfs.set(LINUX_DROPIN, {kind: 'file', content: readFileSync(rest[3] ?? '', 'utf8'), mode: 0o644});
			return ok();
		}
		if (c === 'cp' && rest[0] === '-p' && rest.length === 3 && rest[1] === LINUX_DROPIN) {
			vfs.set(rest[2] ?? '', {kind: 'file', content: this.dropIn ?? '', mode: 0o644});
			return ok();
		}
		if (c === 'mv' && rest.length === 2 && rest[1] === LINUX_DROPIN) {
			const from = this.file(rest[0] ?? '');
			if (from === null) return {...ok(), exitCode: 1, stderr: `mv: cannot stat '${rest[0]}': No such file or directory`};
			vfs.set(LINUX_DROPIN, {kind: 'file', content: from, mode: 0o644});
			vfs.delete(rest[0] ?? '');
			return ok();
		}
		if (c === 'rm' && rest[0] === '-f' && rest.length === 2) {
			vfs.delete(rest[1] ?? '');
			return ok();
		}
		throw new UnexpectedCommandError(`unexpected command: ${argv.join(' ')}`);
	};
}

/**
 * The commands `undo` runs for a recorded run today: each recorded undo argv, newest first, then (when
 * one of them names a file under /etc/systemd/system) `systemctl daemon-reload` and `restart ollama`.
 */
export function undoCommands(commands: {undo: string[] | null}[]): string[][] {
	const out: string[][] = [];
	let systemd: string[] | null = null;
	for (const c of [...commands].reverse()) {
		if (!c.undo) continue;
		out.push(c.undo);
		if (c.undo.some((a) => a.startsWith('/etc/systemd/system/'))) systemd = c.undo[0] === 'sudo' ? ['sudo'] : [];
	}
	if (systemd) out.push([...systemd, 'systemctl', 'daemon-reload'], [...systemd, 'systemctl', 'restart', 'ollama']);
	return out;
}
