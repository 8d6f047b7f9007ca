#!/usr/bin/env node
// Benchmarks, run by hand (`node scripts/bench.mjs`) and reported in the README. Each number is the
// median of several runs measured in this same run against its floor:
//   1. --version wall time vs bare `node -e 0`            (target ≤ 1.5×)
//   2. first interactive frame in a pseudo-terminal vs a bundled Ink hello-world (target ≤ 1.2×)
//   3. doctor wall time when every remote host hangs vs the per-check timeout   (target ≤ timeout + 0.5 s)
//   4. peak memory (max RSS) of a --json connection test and of doctor
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist/cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (s) => `${(s * 1000).toFixed(0)} ms`;

function wall(cmd, args, env = {}) {
	const t = process.hrtime.bigint();
	spawnSync(cmd, args, {stdio: 'ignore', env: {...process.env, ...env}});
	return Number(process.hrtime.bigint() - t) / 1e9;
}

function maxRss(cmd, args, env = {}) {
	if (!existsSync('/usr/bin/time')) return null;
	const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {encoding: 'utf8', env: {...process.env, ...env}});
	const kb = Number(r.stderr.trim().split('\n').at(-1));
	return Number.isFinite(kb) ? kb / 1024 : null;
}

function ptyFirstFrame(marker, argv) {
	const r = spawnSync('python3', [path.join(root, 'scripts/bench/pty-first-frame.py'), marker, ...argv], {encoding: 'utf8'});
	if (r.status !== 0) throw new Error(`pty run failed: ${r.stderr}`);
	return Number(r.stdout.trim());
}

if (!existsSync(cli)) execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], {stdio: 'inherit'});
const tmp = mkdtempSync(path.join(os.tmpdir(), 'otw-bench-'));
const env = {OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(tmp, 'state')};
const lines = [];
const say = (s) => {
	lines.push(s);
	console.log(s);
};

say(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${RUNS} runs each (median)`);

// 1. --version
const nodeBare = median(Array.from({length: RUNS}, () => wall(process.execPath, ['-e', '0'])));
const version = median(Array.from({length: RUNS}, () => wall(process.execPath, [cli, '--version'], env)));
say(`--version: ${ms(version)} vs node -e 0 ${ms(nodeBare)} → ${(version / nodeBare).toFixed(2)}× (target ≤ 1.5×)`);

// 2. first interactive frame
const helloOut = path.join(tmp, 'ink-hello.js');
await build({
	entryPoints: [path.join(root, 'scripts/bench/ink-hello.tsx')],
	outfile: helloOut,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20.19',
	minify: true,
	jsx: 'automatic',
	alias: {'react-devtools-core': path.join(root, 'scripts/stubs/empty.js')},
	banner: {js: "import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);"},
	define: {'process.env.NODE_ENV': '"production"'},
	logLevel: 'warning',
});
try {
	const floor = median(Array.from({length: RUNS}, () => ptyFirstFrame('HELLO-FRAME', [process.execPath, helloOut])));
	const marker = process.env.BENCH_FRAME_MARKER ?? 'Test the connection';
	const wizard = median(Array.from({length: RUNS}, () => ptyFirstFrame(marker, ['env', `OLLAMA_TUNNEL_WIZARD_STATE_DIR=${env.OLLAMA_TUNNEL_WIZARD_STATE_DIR}`, process.execPath, cli, 'test'])));
	say(`first interactive frame: ${ms(wizard)} vs bundled Ink hello-world ${ms(floor)} → ${(wizard / floor).toFixed(2)}× (target ≤ 1.2×)`);
} catch (error) {
	say(`first interactive frame: not measured (${error.message.split('\n')[0]})`);
}

// 3. doctor with every remote host hanging
const hang = http.createServer(() => undefined);
const sockets = new Set();
hang.on('connection', (s) => sockets.add(s));
await new Promise((r) => hang.listen(0, '127.0.0.1', r));
const port = hang.address().port;
const timeoutMs = 2000;
const doctorRuns = [];
for (let i = 0; i < Math.min(RUNS, 5); i++) {
	const t = process.hrtime.bigint();
	await new Promise((resolve) => {
		const child = spawn(process.execPath, [cli, 'doctor', '--role', 'client', '--url', `http://127.0.0.1:${port}`, '--json', '--timeout-ms', String(timeoutMs)], {
			stdio: 'ignore',
			env: {...process.env, ...env, OLLAMA_HOST: `127.0.0.1:${port}`},
		});
		child.on('close', resolve);
	});
	doctorRuns.push(Number(process.hrtime.bigint() - t) / 1e9);
}
for (const s of sockets) s.destroy();
hang.close();
const doctorWall = median(doctorRuns);
say(`doctor, every remote host hanging: ${ms(doctorWall)} with --timeout-ms ${timeoutMs} → timeout + ${ms(doctorWall - timeoutMs / 1000)} (target ≤ timeout + 500 ms)`);

// 4. peak memory
const rssVersion = maxRss(process.execPath, [cli, '--version'], env);
const rssDoctor = maxRss(process.execPath, [cli, 'doctor', '--role', 'client', '--url', 'http://127.0.0.1:9', '--json', '--timeout-ms', '500'], env);
say(`peak memory (max RSS): --version ${rssVersion?.toFixed(0) ?? '?'} MiB, doctor --json ${rssDoctor?.toFixed(0) ?? '?'} MiB`);

mkdirSync(path.join(root, '.tmp'), {recursive: true});
