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
}

export function StatusPane({title, lines, live}: StatusPaneProps) {
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="gray" paddingX={1}>
			<Text dimColor>{title}</Text>
			{lines.length === 0 ? <Text dimColor>No live checks yet.</Text> : null}
			{lines.map((line) => (
				<Box key={line.key}>
					{line.status === 'running' && live ? (
						<Spinner label={`running: ${line.message}`} />
					) : (
						<Text color={statusColor(line.status)}>
							{MARK[line.status]} {line.message}
						</Text>
					)}
				</Box>
			))}
		</Box>
	);
}
