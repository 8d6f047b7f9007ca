/**
 * A choice for Ink that takes its keys one by one, however they arrive: ↑/↓ move the focus, Enter
 * picks the focused option. A read of several keys ("\r" and the next answer, typed fast) is split
 * with line-edit.ts's `splitKeys`; the keys after the Enter go to `onSubmit` for the next question.
 * It looks like @inkjs/ui's Select: the ❯ marker and colour on the focused option, a window of
 * `visibleOptionCount` options that scrolls with the focus.
 */
import {useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {choiceKey, splitKeys} from './line-edit.js';
import {useTerminalInput} from './LineEditor.js';

export interface SelectOption {
	label: string;
	value: string;
}

export interface SelectProps {
	options: readonly SelectOption[];
	/** How many options are shown at once (default: all). */
	visibleOptionCount?: number;
	/** Drawn without focus, takes no keys. */
	isDisabled?: boolean;
	/** Enter on the focused option; `rest` holds the keys after the Enter in the same read. */
	onSubmit: (value: string, rest: string) => void;
	/** Reads that arrive after the choice was made, before the select goes away. */
	onKeysAfter?: (keys: string) => void;
	/** Keys kept for this choice (typed right after the previous answer): applied before any new key. */
	takeKeys?: () => string;
}

interface Focus {
	index: number;
	/** The first option shown. */
	from: number;
}

export function Select({options, visibleOptionCount, isDisabled = false, onSubmit, onKeysAfter, takeKeys}: SelectProps) {
	const count = Math.max(1, Math.min(visibleOptionCount ?? options.length, options.length));
	// In a ref as well as in state: every key of one read must see the previous key's move.
	const focus = useRef<Focus>({index: 0, from: 0});
	const [shown, setShown] = useState<Focus>(focus.current);
	const done = useRef(false);

	const move = (delta: number) => {
		const {index, from} = focus.current;
		const next = Math.max(0, Math.min(options.length - 1, index + delta));
		if (next === index) return;
		const start = next < from ? next : next >= from + count ? next - count + 1 : from;
		focus.current = {index: next, from: start};
		setShown(focus.current);
	};

	useTerminalInput(
		!isDisabled,
		(data) => {
			if (done.current) {
				onKeysAfter?.(data);
				return;
			}
			const pieces = splitKeys(data);
			for (const [i, piece] of pieces.entries()) {
				const key = choiceKey(piece);
				if (key.kind === 'up') move(-1);
				else if (key.kind === 'down') move(1);
				else if (key.kind === 'enter') {
					const option = options[focus.current.index];
					if (!option) continue;
					done.current = true;
					onSubmit(option.value, pieces.slice(i + 1).join(''));
					return;
				}
			}
		},
		takeKeys,
	);

	return (
		<Box flexDirection="column">
			{options.slice(shown.from, shown.from + count).map((option, i) => {
				const focused = !isDisabled && shown.from + i === shown.index;
				return (
					<Box key={option.value} gap={1} paddingLeft={focused ? 0 : 2}>
						{focused ? <Text color="blue">❯</Text> : null}
						<Text {...(focused ? {color: 'blue'} : {})}>{option.label}</Text>
					</Box>
				);
			})}
		</Box>
	);
}
