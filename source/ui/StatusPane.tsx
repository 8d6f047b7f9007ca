/** The live checks of the current step: running → spinner, then ✓ ! ✗ with the message (last few lines). */
import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import {MARK} from '../views/format.js';
import type {LiveLine} from './state.js';
import {statusColor} from './theme.js';

export interface StatusPaneProps {
	title: string;
	lines: LiveLine[];
	/** Spinners only while the step still runs; afterwards a line left "running" shows …. */
	live: boolean;
	/** At most this many lines (the latest); each line then takes one row. Unknown: every line, wrapped. */
	maxLines?: number;
}

/** Rows the pane takes with `maxLines` set: the borders, the title, the lines. */
export function statusPaneRows(count: number, maxLines: number): number {
	return 3 + Math.max(1, Math.min(count, maxLines));
}

export function StatusPane({title, lines: all, live, maxLines}: StatusPaneProps) {
	const lines = maxLines === undefined ? all : all.slice(-Math.max(1, maxLines));
	const wrap = maxLines === undefined ? 'wrap' : 'truncate-end';
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1}>
			<Text dimColor wrap="truncate-end">
				{title}
				{lines.length < all.length ? ` (the latest ${lines.length} of ${all.length})` : ''}
			</Text>
			{lines.length === 0 ? <Text dimColor>No live checks yet.</Text> : null}
			{lines.map((line) => (
				<Box key={line.key}>
					{line.status === 'running' && live ? (
						<Box height={maxLines === undefined ? undefined : 1} overflow="hidden">
							<Spinner label={`running: ${line.message}`} />
						</Box>
					) : (
						<Text color={statusColor(line.status)} wrap={wrap}>
							{MARK[line.status]} {line.message}
						</Text>
					)}
				</Box>
			))}
		</Box>
	);
}
