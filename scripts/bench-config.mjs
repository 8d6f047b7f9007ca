#!/usr/bin/env node
// How `configure-ailice` scales with the size of AIlice's config.json, run by hand after a build:
//
//   node scripts/build.mjs && node scripts/bench-config.mjs
//
// For configs of about 85 KB, 1 MB and 20 MB (many providers, AIlice's 2-space layout) it runs, each
// several times on a fresh copy:
//   - the real thing: node dist/cli.js configure-ailice --url <fake Ollama> --model llama3.2 --yes --json
//   - the floor: a minimal node script that reads the file, JSON.parse, sets one key, JSON.stringify,
//     writes it back;
//   - step 4 alone: the same check → plan → apply → verify through the runner, bundled from source
//     with esbuild, without the CLI's views, NDJSON events, log or journal (what the step itself
//     costs, apart from what is drawn or recorded around it);
// and prints the median wall time of each, their ratio to the floor, and the peak memory (max RSS)
// of each, with the extra memory over the floor as a multiple of the file size.
// Goals at 20 MB: time ≤ 3× the floor, extra memory ≤ 4× the file size.
//
// A small Ollama stand-in (node:http, /api/tags and /api/show) runs in this process; the runs are
// spawned asynchronously so it can answer. Peak memory comes from /usr/bin/time -v when present,
// else from process.resourceUsage().maxRSS written by a preloaded module at the child's exit.
// BENCH_RUNS overrides the number of runs (default 5; 3 for the 20 MB file).
//
// The output starts with a short results section (recorded numbers before and after the key paths
// carried by the plan, the shared hashes and the verification against the planned text, then this
// run's ratios against the goals); the details follow.
import {spawn} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import {Buffer} from 'node:buffer';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = path.join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
	console.error('dist/cli.js is missing: run node scripts/build.mjs first.');
	process.exit(1);
}
const work = mkdtempSync(path.join(os.tmpdir(), 'otw-bench-config-'));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (kb) => kb / 1024;

// ---- the Ollama stand-in ----------------------------------------------------------------------
const MODELS = ['llama3.2:latest', 'qwen2.5-coder:7b'];
const server = http.createServer((req, res) => {
	let body = '';
	req.on('data', (d) => (body += d));
	req.on('end', () => {
		res.setHeader('content-type', 'application/json; charset=utf-8');
		if (req.url === '/api/tags') return res.end(JSON.stringify({models: MODELS.map((name) => ({name, model: name, size: 2_000_000_000, digest: 'a'.repeat(64), details: {family: 'llama', parameter_size: '3B'}}))}));
		if (req.url === '/api/show') return res.end(JSON.stringify({details: {family: 'llama'}, model_info: {'llama.context_length': 131072}, capabilities: ['completion']}));
		if (req.url === '/api/version') return res.end('{"version":"0.17.2"}');
		res.statusCode = 404;
		res.end('404 page not found');
	});
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;

// ---- configs ------------------------------------------------------------------------------------
/** AIlice's layout: a few top-level settings and `models` with `providers` providers of 8 models each. */
function config(providers) {
	const models = {};
	for (let p = 0; p < providers; p++) {
		const modelList = {};
		for (let m = 0; m < 8; m++) modelList[`vendor-${p}/model-${m}:${m}b-instruct-q4_K_M`] = {formatter: 'AFormatterGPT', contextWindow: 8192 * (m + 1), systemAsUser: false, args: {temperature: 0.7, top_p: 0.9}};
		models[`provider-${p}`] = {modelWrapper: 'AModelChatGPT', apikey: `sk-${'x'.repeat(40)}${p}`, baseURL: `https://api.provider-${p}.example.com/v1`, modelList};
	}
	return `${JSON.stringify({maxMemory: {}, quantization: null, agentModelConfig: {DEFAULT: 'provider-0:vendor-0/model-0:0b-instruct-q4_K_M'}, models, temperature: 0, flashAttention2: false, contextWindowRatio: 0.6, chatHistoryPath: path.join(work, 'history')}, null, 2)}\n`;
}

/** Providers needed for about `bytes` bytes. */
function sized(bytes) {
	const per = Buffer.byteLength(config(2)) - Buffer.byteLength(config(1));
	return config(Math.max(1, Math.round(bytes / per)));
}

// ---- measuring ------------------------------------------------------------------------------------
const preload = path.join(work, 'rss-at-exit.mjs');
writeFileSync(preload, "import {writeFileSync} from 'node:fs';\nprocess.on('exit', () => { if (process.env.BENCH_RSS_OUT) writeFileSync(process.env.BENCH_RSS_OUT, String(process.resourceUsage().maxRSS)); });\n");

/** Runs argv (node first), returns {seconds, maxRssKb, code, out}. */
function measure(argv, env) {
	const rssFile = path.join(work, `rss-${process.hrtime.bigint()}`);
	const cmd = TIME ? TIME : argv[0];
	const args = TIME ? ['-v', ...argv] : [`--import=${preload}`, ...argv.slice(1)];
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn(cmd, args, {env: {...process.env, ...env, BENCH_RSS_OUT: rssFile}, stdio: ['ignore', 'pipe', 'pipe']});
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (err += d));
		child.on('error', reject);
		child.on('close', (code) => {
			const seconds = Number(process.hrtime.bigint() - started) / 1e9;
			let maxRssKb = null;
			if (TIME) maxRssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? NaN);
			else if (existsSync(rssFile)) maxRssKb = Number(readFileSync(rssFile, 'utf8'));
			resolve({seconds, maxRssKb, code, out, err});
		});
	});
}

// Step 4 alone, bundled from source (real files, real HTTP, no views, log or journal).
const stepOnly = path.join(work, 'step-only.mjs');
await build({
	stdin: {
		contents: `
import {SecretRegistry} from './source/core/context.ts';
import {createFileSystem, createHttpClient, createNetProbe, realClock} from './source/core/real-context.ts';
import {EventBus} from './source/core/events.ts';
import {runStep} from './source/core/runner.ts';
import {ailiceConfig} from './source/steps/ailice-config.ts';
const [file, url] = process.argv.slice(2);
const controller = new AbortController();
const ctx = {run: async () => ({exitCode: 1, stdout: '', stderr: '', durationMs: 0, timedOut: false, notFound: true}), http: createHttpClient(controller.signal), net: createNetProbe(controller.signal), fs: createFileSystem(realClock), clock: realClock, log: {log: () => undefined}, platform: process.platform, env: {}, home: process.env.HOME, cwd: process.cwd(), signal: controller.signal, secrets: new SecretRegistry(), dryRun: false, progress: () => undefined};
const out = await runStep(ailiceConfig, ctx, {mode: 'apply', answers: {url, models: ['llama3.2'], ailiceConfig: file}, bus: new EventBus()});
if (!out.applied || !['ok', 'warn'].includes(out.result.status)) { console.error(out.result.summary); process.exit(1); }
`,
		resolveDir: root,
		loader: 'ts',
	},
	outfile: stepOnly,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20.19',
	mainFields: ['module', 'main'],
	banner: {js: "import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);"},
	logLevel: 'error',
});

const MINIMAL = `
import {readFileSync, writeFileSync} from 'node:fs';
const file = process.argv[1];
const doc = JSON.parse(readFileSync(file, 'utf8'));
doc.models.ollama = {modelWrapper: 'AModelChatGPT', apikey: 'ollama', baseURL: process.argv[2] + '/v1', modelList: {'llama3.2:latest': {formatter: 'AFormatterGPT', contextWindow: 8192, systemAsUser: false, args: {}}}};
writeFileSync(file, JSON.stringify(doc, null, 2) + '\\n');
`;

const rows = [];
/** The detailed lines, printed after the results section. */
const details = [];
for (const [label, bytes, runs] of [
	['85 KB', 85 * 1024, Number(process.env.BENCH_RUNS ?? 5)],
	['1 MB', 1024 * 1024, Number(process.env.BENCH_RUNS ?? 5)],
	['20 MB', 20 * 1024 * 1024, Math.min(3, Number(process.env.BENCH_RUNS ?? 3))],
]) {
	const text = sized(bytes);
	const source = path.join(work, `source-${label.replace(' ', '')}.json`);
	writeFileSync(source, text);
	const size = statSync(source).size;
	const cliTimes = [];
	const cliRss = [];
	const stepTimes = [];
	const stepRss = [];
	const minTimes = [];
	const minRss = [];
	for (let i = 0; i < runs; i++) {
		const home = path.join(work, `home-${label.replace(' ', '')}-${i}`);
		mkdirSync(path.join(home, '.config', 'ailice'), {recursive: true});
		const file = path.join(home, '.config', 'ailice', 'config.json');
		copyFileSync(source, file);
		const env = {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local', 'share'), OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(home, 'state'), CI: 'true', NO_COLOR: '1'};
		const r = await measure([process.execPath, cli, 'configure-ailice', '--url', url, '--model', 'llama3.2', '--yes', '--json'], env);
		if (r.code !== 0) {
			console.error(`configure-ailice failed on the ${label} config (exit ${r.code}):\n${r.out.slice(-2000)}\n${r.err.slice(-2000)}`);
			process.exit(1);
		}
		const after = readFileSync(file, 'utf8');
		if (!after.includes('"ollama": {')) throw new Error(`the ${label} config was not changed`);
		cliTimes.push(r.seconds);
		cliRss.push(r.maxRssKb);

		copyFileSync(source, file);
		const st = await measure([process.execPath, stepOnly, file, url], env);
		if (st.code !== 0) throw new Error(`step 4 alone failed on the ${label} config: ${st.err}`);
		stepTimes.push(st.seconds);
		stepRss.push(st.maxRssKb);

		copyFileSync(source, file);
		const m = await measure([process.execPath, '--input-type=module', '-e', MINIMAL, file, url], {});
		if (m.code !== 0) throw new Error(`the minimal script failed: ${m.err}`);
		minTimes.push(m.seconds);
		minRss.push(m.maxRssKb);
		rmSync(home, {recursive: true, force: true});
	}
	const t = median(cliTimes);
	const s = median(stepTimes);
	const f = median(minTimes);
	const rc = Math.max(...cliRss);
	const rs = Math.max(...stepRss);
	const rf = Math.max(...minRss);
	rows.push({label, size, t, s, f, rc, rs, rf});
	const line = (what, time, rss) =>
		`  ${what.padEnd(22)} ${(time * 1000).toFixed(0).padStart(6)} ms = ${(time / f).toFixed(2).padStart(5)}×   peak RSS ${mib(rss).toFixed(0).padStart(4)} MiB, extra ${mib(rss - rf).toFixed(0).padStart(4)} MiB = ${(((rss - rf) * 1024) / size).toFixed(2)}× the file`;
	details.push(`${label} config (${(size / 1024 / 1024).toFixed(2)} MiB, median of ${runs} runs; minimal script ${(f * 1000).toFixed(0)} ms, peak RSS ${mib(rf).toFixed(0)} MiB):`);
	details.push(line('configure-ailice --json', t, rc));
	details.push(line('step 4 alone', s, rs));
}
const big = rows.at(-1);
if (big) {
	for (const [what, time, rss] of [
		['configure-ailice', big.t, big.rc],
		['step 4 alone', big.s, big.rs],
	]) {
		const ratio = time / big.f;
		const extra = ((rss - big.rf) * 1024) / big.size;
		details.push(`Goals at 20 MB, ${what}: time ≤ 3× (${ratio.toFixed(2)}×: ${ratio <= 3 ? 'met' : 'NOT met'}), extra memory ≤ 4× the file size (${extra.toFixed(2)}×: ${extra <= 4 ? 'met' : 'NOT met'}).`);
	}
	// The part of the extra memory that grows with the file: at 20 MB minus at 85 KB (the fixed cost
	// of the loaded code), as a multiple of the difference in file size.
	const small = rows[0];
	if (small && small !== big) {
		const grows = (a, b) => (((a - big.rf - (b - small.rf)) * 1024) / (big.size - small.size)).toFixed(2);
		details.push(`Extra memory that grows with the file (20 MB minus 85 KB): configure-ailice ${grows(big.rc, small.rc)}× the size, step 4 alone ${grows(big.rs, small.rs)}×.`);
	}
	details.push(`Peak memory from ${TIME ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS'}.`);
}

// ---- results first, then the details -------------------------------------------------------------
const extraX = (r, rss) => (((rss - r.rf) * 1024) / r.size).toFixed(1);
console.log(`Results (configure-ailice --json against the minimal read-parse-write script; extra memory = peak RSS over the script's, as a multiple of the file size)

Recorded on a shared, loaded 2-core machine (the floor itself moves by ±25% between runs, so compare
the absolute times too). Three runs of this script each, after the changes below:
  size    before: time, extra memory                   after: time, extra memory                  step 4 alone
  85 KB   358–441 ms = 4.7–5.5× (code's fixed cost)     331–466 ms = 4.7–6.4× (code's fixed cost)   3.6–5.1×
  1 MB    348–482 ms = 4.1–4.4×, 76–80× the file        370–434 ms = 3.5–4.7×, 69–71× the file      3.1–4.4×, 68×
  20 MB   2107–2436 ms = 3.9–5.2×, 9.8–10.0× the file   1089–1170 ms = 2.2–2.4×, 2.7–2.8× the file  1.7–1.9×, 4.3×
At 85 KB and 1 MB the extra is the loaded code (about 60 MiB, 250 ms), whatever the file.
What changed: the plan's file action carries the key paths the merge changed (worked out from the
edits, equal to the parsed diff's), so the log summary and the undo record no longer parse both
texts; each text is hashed once for the log and the journal; the runner's recording writer no
longer reads the file again before the write (the writer compares it with the planned text under
its lock); apply leaves that comparison to the writer instead of reading the whole file first;
the verification after apply compares the file with the planned text a chunk at a time instead of
analysing it again; the edit scans the models object once, not twice; the event history drops a
large plan's texts once its step finished.
Still above the goal: step 4 alone at 20 MB uses 4.3× the file in extra memory (configure-ailice
2.7×): the write holds three copies of the file as bytes (new, old for the backup, the expected
text for the comparison) while the analysis' garbage is not yet collected.

This run:`);
for (const r of rows) console.log(`  ${r.label.padEnd(6)}  configure-ailice ${(r.t / r.f).toFixed(2)}×, extra ${extraX(r, r.rc)}× the file;  step 4 alone ${(r.s / r.f).toFixed(2)}×, extra ${extraX(r, r.rs)}× the file`);
console.log(`\nDetails:\n${details.join('\n')}`);
server.close();
rmSync(work, {recursive: true, force: true});
