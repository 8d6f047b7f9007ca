/**
 * `doctor` in the Ink UI: the checks as live panes grouped by layer (running → ok / warn / fail /
 * crash, slow ones say so), the one-sentence diagnosis with its evidence and fix, the performance
 * pane (--perf), and what `f` did: the owning step's plan and result, then before/after from the
 * re-check. "Fixed" is only ever said when the re-check no longer finds the cause.
 */
import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import type {Diagnosis as DoctorDiagnosis} from '../doctor/diagnose.js';
import {LAYERS} from '../doctor/types.js';
import {MARK} from '../views/format.js';
import type {DoctorView} from '../app/controller.js';
import type {DoctorLine} from './state.js';
import {statusColor} from './theme.js';

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

function CheckLine({line, live}: {line: DoctorLine; live: boolean}) {
	if (line.status === 'running') {
		const label = line.slow ? `${line.title}: still running after ${Math.round(line.slowAfterMs / 1000)} s (slow)` : `${line.title}: running…`;
		if (live) return <Spinner label={label} />;
		return (
			<Text color="gray">
				{MARK.skipped} {line.title}: stopped before it finished
			</Text>
		);
	}
	return (
		<Text>
			<Text color={statusColor(line.status)}>{MARK[line.status]}</Text> {line.title}
			{line.detail ? `: ${line.status === 'crash' && !line.detail.startsWith('crashed') ? `crashed: ${line.detail}` : line.detail}` : ''}
			{line.durationMs >= 1000 ? <Text dimColor> ({seconds(line.durationMs)})</Text> : null}
		</Text>
	);
}

/**
 * Check titles by id, as the panes last drew them (the panes are drawn before the diagnosis): the
 * diagnosis names its evidence by these. Not imported from the checks module: that would pull the
 * checks into the UI chunk of the bundle and change the order the doctor's modules load in.
 */
const shownTitles = new Map<string, string>();

/**
 * The checks grouped by layer in LAYERS order; layers with no check on this machine are named on one
 * line. With `maxRows` (the terminal is short) the pane never takes more: the checks that passed
 * are counted per layer instead of listed, and what still does not fit is counted at the end.
 */
export function DoctorPanes({checks, live, maxRows}: {checks: DoctorLine[]; live: boolean; maxRows?: number}) {
	for (const c of checks) shownTitles.set(c.key, c.title);
	const known = new Set<string>(LAYERS.map((l) => l.id));
	const groups = [...LAYERS.map((l) => ({id: l.id as string, title: l.title})), ...[...new Set(checks.map((c) => c.layer))].filter((id) => !known.has(id)).map((id) => ({id, title: id}))];
	const used = groups.filter((g) => checks.some((c) => c.layer === g.id));
	const unused = groups.filter((g) => !checks.some((c) => c.layer === g.id));
	const done = checks.filter((c) => c.status !== 'running').length;
	type Row = {key: string; group?: string; check?: DoctorLine};
	let rows: Row[] = used.flatMap((g) => [{key: `g:${g.id}`, group: g.title}, ...checks.filter((c) => c.layer === g.id).map((c) => ({key: c.key, check: c}))]);
	const room = maxRows === undefined ? Infinity : Math.max(1, maxRows - 3 - (checks.length && unused.length ? 1 : 0));
	if (rows.length > room) {
		// Passed checks become a count on their layer's line.
		rows = used.flatMap((g) => {
			const mine = checks.filter((c) => c.layer === g.id);
			const ok = mine.filter((c) => c.status === 'ok').length;
			return [{key: `g:${g.id}`, group: `${g.title}${ok ? ` · ${MARK.ok} ${ok} ok` : ''}`}, ...mine.filter((c) => c.status !== 'ok').map((c) => ({key: c.key, check: c}))];
		});
	}
	let hidden = 0;
	if (rows.length > room) {
		hidden = rows.filter((r) => r.check).length - rows.slice(0, room - 1).filter((r) => r.check).length;
		rows = rows.slice(0, room - 1);
	}
	const oneRow = maxRows !== undefined;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1} flexShrink={0}>
			<Text dimColor wrap="truncate-end">
				Doctor checks{checks.length ? ` · ${done} of ${checks.length} done` : ''}
			</Text>
			{checks.length === 0 ? <Text dimColor>{live ? 'Starting the checks…' : 'No checks ran.'}</Text> : null}
			{rows.map((r) =>
				r.check ? (
					<Box key={r.key} marginLeft={2} height={oneRow ? 1 : undefined} overflow="hidden">
						<CheckLine line={r.check} live={live} />
					</Box>
				) : (
					<Text key={r.key} bold wrap={oneRow ? 'truncate-end' : 'wrap'}>
						{r.group}
					</Text>
				),
			)}
			{hidden ? <Text dimColor>… {hidden === 1 ? '1 more check' : `${hidden} more checks`} (a taller terminal shows them)</Text> : null}
			{checks.length && unused.length ? (
				<Text dimColor wrap={oneRow ? 'truncate-end' : 'wrap'}>
					Not checked on this machine: {unused.map((g) => g.title).join(', ')}
				</Text>
			) : null}
		</Box>
	);
}

/**
 * The diagnosis with its evidence, each line naming its check by title (a person never reads a check
 * id). `checks`: the checks that ran (their records); without it, the titles the panes showed.
 */
export function DiagnosisBlock({diagnosis, prefix, fixKey, checks}: {diagnosis: DoctorDiagnosis; prefix?: string; fixKey: string | null; checks?: readonly {id: string; title: string}[]}) {
	const layer = diagnosis.layer ? LAYERS.find((l) => l.id === diagnosis.layer)?.title ?? diagnosis.layer : null;
	const title = (id: string) => checks?.find((c) => c.id === id)?.title ?? shownTitles.get(id) ?? id;
	return (
		<Box flexDirection="column">
			<Text bold color={diagnosis.cause ? 'red' : 'green'}>
				{prefix ?? 'Diagnosis'}
				{diagnosis.cause && layer ? ` (${layer})` : ''}: {diagnosis.message}
			</Text>
			{diagnosis.evidence.map((e, i) => (
				<Text key={i} dimColor wrap="truncate-end">
					{'  '}evidence: {title(e.check)}: {e.saw}
				</Text>
			))}
			{diagnosis.fix ? <Text color="yellow">{'  '}Fix: {diagnosis.fix}</Text> : null}
			{fixKey ? <Text color="cyan">{'  '}{fixKey}</Text> : null}
		</Box>
	);
}

interface Latency {
	min: number;
	p50: number;
	p95: number;
}

/** The guide's "Monitor latency", measured (doctor --perf). */
export function PerfPane({perf}: {perf: Record<string, unknown>}) {
	const t = perf.tunnelLatencyMs as Latency | null | undefined;
	const l = perf.localLatencyMs as Latency | null | undefined;
	const num = (v: unknown) => (typeof v === 'number' ? v : null);
	const added = num(perf.addedLatencyMs);
	const first = num(perf.firstTokenMs);
	const tps = num(perf.tokensPerSecond);
	const rows = [
		t ? `Through the tunnel: p50 ${t.p50} ms · min ${t.min} ms · p95 ${t.p95} ms` : null,
		l ? `On 127.0.0.1:       p50 ${l.p50} ms · min ${l.min} ms · p95 ${l.p95} ms` : null,
		added !== null ? `The tunnel adds ${added} ms (measured, p50 difference)` : null,
		first !== null ? `First token: ${first} ms${tps !== null ? ` · ${tps} tokens/s` : ''}` : tps !== null ? `${tps} tokens/s` : null,
	].filter((r): r is string => r !== null);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1}>
			<Text dimColor>Performance</Text>
			{rows.length ? rows.map((r) => <Text key={r}>{r}</Text>) : <Text dimColor>No measurement: pass --url (the address AIlice uses) to measure through the tunnel.</Text>}
			{perf.coldLoad ? (
				<Text color="yellow">
					{MARK.warn} The first request waited {String(perf.loadMs)} ms for the model to load: keep it loaded with OLLAMA_KEEP_ALIVE.
				</Text>
			) : null}
		</Box>
	);
}

/** Checks whose status changed between the run before the fix and the re-check. */
function changes(view: DoctorView): {title: string; from: string; to: string}[] {
	if (!view.before || !view.report) return [];
	const out: {title: string; from: string; to: string}[] = [];
	for (const after of view.report.records) {
		const before = view.before.records.find((r) => r.id === after.id);
		if (before && before.status !== after.status) out.push({title: after.title, from: before.status, to: after.status});
	}
	return out;
}

const NOTHING_CHANGED = 'Nothing was changed.';

/** "<head> was not applied: <why>. Nothing was changed.", saying the last sentence once even when the step's result already does. */
function notApplied(head: string, result: string | null | undefined): string {
	let why = (result ?? '').trim();
	const said = why.endsWith(NOTHING_CHANGED);
	if (said) why = why.slice(0, -NOTHING_CHANGED.length).trim();
	why = why.replace(/[.\s]+$/u, '');
	return `${head} was not applied${why ? `: ${why}` : ''}. ${NOTHING_CHANGED}`;
}

/** What `f` did, and the before/after from the re-check. */
export function FixResult({view}: {view: DoctorView}) {
	const fix = view.fix;
	if (!fix) return null;
	const head = `Fix by step ${fix.number} (${fix.title})`;
	if (fix.error) return <Text color="red">{MARK.crash} {head} stopped with an error: {fix.error}</Text>;
	if (!fix.available) return <Text color="yellow">{MARK.warn} {head} is not available in this version: do it by hand as the Fix line says.</Text>;
	const before = view.before?.diagnosis;
	const after = view.report?.diagnosis;
	let verdict: {mark: string; color: string; text: string};
	if (!fix.applied) verdict = {mark: MARK.skipped, color: 'gray', text: notApplied(head, fix.result)};
	else if (fix.verified && after && !after.cause) verdict = {mark: MARK.ok, color: 'green', text: `Fixed: ${head} was applied and the re-check passed.`};
	else if (fix.verified) verdict = {mark: MARK.warn, color: 'yellow', text: `${head} was applied and the re-check no longer finds that problem, but another one remains (below).`};
	else verdict = {mark: MARK.fail, color: 'red', text: `Not fixed: ${head} ran${fix.result ? ` (${fix.result})` : ''}, but the re-check still finds a problem.`};
	const changed = changes(view);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={verdict.color} paddingX={1}>
			<Text color={verdict.color} bold>
				{verdict.mark} {verdict.text}
			</Text>
			{before ? <Text>Before: {before.message}</Text> : null}
			{after && view.before ? <Text>After:  {after.message}</Text> : null}
			{changed.map((c) => (
				<Text key={c.title} dimColor>
					{'  '}
					{c.title}: {c.from} → {c.to}
				</Text>
			))}
		</Box>
	);
}
