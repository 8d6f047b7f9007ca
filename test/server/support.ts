/**
 * Test support for steps 1–3: a filesystem whose system paths (/Applications, /opt/homebrew, /etc/…)
 * live in memory while the test's temp dir (home, state) is real; a clock that never waits; HTTP routed
 * from Ollama addresses (127.0.0.1:11434, the LAN IP) to the real fake-Ollama server.
 */
import path from 'node:path';
import {NetError, type Clock, type FileStat, type FileSystem, type HttpClient} from '../../source/core/context.js';
import {EventBus, type WizardEvent} from '../../source/core/events.js';
import {runStep, type RunMode, type StepOutcome} from '../../source/core/runner.js';
import type {Answers, Step} from '../../source/core/types.js';
import type {JournalRun} from '../../source/core/journal.js';
import {makeCtx, type TestCtx} from '../support/fake-ctx.js';

type Entry = {kind: 'file'; content: string; mode: number} | {kind: 'dir'} | {kind: 'symlink'};

/** Real files under `root`, in-memory ones elsewhere (never touches the machine's /etc or /Applications). */
export function overlayFs(real: FileSystem, root: string, virtual: Record<string, string | {dir: true} | {symlink: true}>): FileSystem & {virtual: Map<string, Entry>} {
	const map = new Map<string, Entry>();
	for (const [p, v] of Object.entries(virtual)) {
		map.set(p, typeof v === 'string' ? {kind: 'file', content: v, mode: 0o644} : 'dir' in v ? {kind: 'dir'} : {kind: 'symlink'});
	}
	const inside = (p: string) => p === root || p.startsWith(`${root}${path.sep}`);
	const stat = (e: Entry): FileStat => ({
		isFile: e.kind === 'file',
		isDirectory: e.kind === 'dir',
		isSymbolicLink: e.kind === 'symlink',
		mode: e.kind === 'file' ? e.mode : 0o755,
		size: e.kind === 'file' ? e.content.length : 0,
		mtimeMs: 0,
	});
	return {
		virtual: map,
		async readText(p) {
			if (inside(p)) return real.readText(p);
			const e = map.get(p);
			return e?.kind === 'file' ? e.content : null;
		},
		async stat(p) {
			if (inside(p)) return real.stat(p);
			const e = map.get(p);
			if (e) return stat(e);
			// A directory that holds virtual entries exists too.
			return [...map.keys()].some((k) => k.startsWith(`${p}/`)) ? stat({kind: 'dir'}) : null;
		},
		async writeAtomic(p, content, opts) {
			if (inside(p)) return real.writeAtomic(p, content, opts);
			map.set(p, {kind: 'file', content, mode: opts?.mode ?? 0o644});
			return {backupPath: null};
		},
		async mkdirp(p, mode) {
			if (inside(p)) return real.mkdirp(p, mode);
		},
		async remove(p) {
			if (inside(p)) return real.remove(p);
			map.delete(p);
		},
		async readdir(p) {
			if (inside(p)) return real.readdir(p);
			return [...map.keys()].filter((k) => path.dirname(k) === p).map((k) => path.basename(k));
		},
		async chmod(p, mode) {
			if (inside(p)) return real.chmod(p, mode);
		},
	};
}

/** A clock whose sleep returns at once (polls in apply run instantly). */
export function instantClock(): Clock & {slept: number} {
	let t = 1_760_000_000_000;
	const clock = {
		slept: 0,
		now: () => t,
		async sleep(ms: number) {
			t += ms;
			clock.slept += ms;
		},
	};
	return clock;
}

/** Route `http://<host>:11434/...` to the fake server for the given hosts; any other host is refused. */
export function routeHttp(http: HttpClient, routes: Record<string, string>): HttpClient & {requests: string[]} {
	const requests: string[] = [];
	const map = (url: string): string => {
		const u = new URL(url);
		const target = routes[`${u.hostname}:${u.port}`] ?? routes[u.hostname];
		if (!target) throw new NetError(`connect ECONNREFUSED ${u.host}`, 'ECONNREFUSED');
		return `${target}${u.pathname}${u.search}`;
	};
	return {
		requests,
		async request(url, opts) {
			requests.push(url);
			return http.request(map(url), opts);
		},
		async stream(url, opts) {
			requests.push(url);
			return http.stream(map(url), opts);
		},
		session: http.session,
	};
}

export interface ServerCtxOptions {
	platform: 'darwin' | 'linux';
	files?: Record<string, string | {dir: true} | {symlink: true}>;
	/** host → fake server base URL */
	routes?: Record<string, string>;
	dryRun?: boolean;
}

export type ServerTestCtx = TestCtx & {vfs: ReturnType<typeof overlayFs>; clock: ReturnType<typeof instantClock>; http: ReturnType<typeof routeHttp>; progressLog: string[]};

export function serverCtx(opts: ServerCtxOptions): ServerTestCtx {
	const base = makeCtx({platform: opts.platform, dryRun: opts.dryRun});
	const vfs = overlayFs(base.fs, base.dir, opts.files ?? {});
	const clock = instantClock();
	const http = routeHttp(base.http, opts.routes ?? {});
	const progressLog: string[] = [];
	return Object.assign(base, {fs: vfs, vfs, clock, http, progressLog, progress: (_c: string, _s: string, m: string) => void progressLog.push(m)});
}

export interface Ran extends StepOutcome {
	events: WizardEvent[];
	run: JournalRun;
}

/** Runs a step through the real runner (check → plan → apply → check) and collects its events. */
export async function runThrough(step: Step, ctx: ServerTestCtx, answers: Answers, mode: RunMode = 'apply'): Promise<Ran> {
	const bus = new EventBus();
	const events: WizardEvent[] = [];
	bus.on((e) => void events.push(e));
	const run: JournalRun = {id: 'test', at: new Date(0).toISOString(), files: [], commands: [], undone: false};
	const outcome = await runStep(step, ctx, {mode, answers, bus, run});
	return {...outcome, events, run};
}

export function argvOf(ctx: TestCtx): string[][] {
	return ctx.runner.calls.map((c) => c.argv);
}
