/**
 * A yes/no for Ink that takes its keys one by one, however they arrive: y or n answers, Enter takes
 * the default. A read of several keys is split with line-edit.ts's `splitKeys`: "n\r" answers no
 * (the Enter right after the letter confirms it and is used up), "\ry" takes the default and leaves
 * the y for the next question (`onAnswer`'s `rest`). It looks like @inkjs/ui's ConfirmInput: "Y/n"
 * or "y/N" after the question, dim while it takes no keys.
 */
import {useRef} from 'react';
import {Text} from 'ink';
import {choiceKey, splitKeys} from './line-edit.js';
import {useTerminalInput} from './LineEditor.js';

export interface ConfirmProps {
	/** What Enter answers (default: yes). */
	defaultValue?: boolean;
	isDisabled?: boolean;
	/** The answer; `rest` holds the keys after the answering key(s) in the same read. */
	onAnswer: (value: boolean, rest: string) => void;
	/** Reads that arrive after the answer, before the question goes away. */
	onKeysAfter?: (keys: string) => void;
	/** Keys kept for this question (typed right after the previous answer): applied before any new key. */
	takeKeys?: () => string;
}

export function Confirm({defaultValue = true, isDisabled = false, onAnswer, onKeysAfter, takeKeys}: ConfirmProps) {
	const done = useRef(false);
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
				let value: boolean | null = null;
				let used = i + 1;
				if (key.kind === 'enter') value = defaultValue;
				else if (key.kind === 'char' && /^[yn]$/iu.test(key.char)) {
					value = key.char.toLowerCase() === 'y';
					// "y⏎": the Enter confirms the letter, it is not meant for the next question.
					if (pieces[used] !== undefined && choiceKey(pieces[used]!).kind === 'enter') used++;
				}
				if (value === null) continue;
				done.current = true;
				onAnswer(value, pieces.slice(used).join(''));
				return;
			}
		},
		takeKeys,
	);
	return <Text dimColor={isDisabled}>{defaultValue ? 'Y/n' : 'y/N'}</Text>;
}
