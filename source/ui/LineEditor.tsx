/**
 * A one-line text field for Ink. It listens to the input stream Ink already splits for useInput
 * (escape sequences apart, a run of typed or pasted characters together) and hands each piece to
 * the pure editor in line-edit.ts, so a burst of keys in one read is applied key by key and no
 * control character ever lands in the value. Ink's useInput cannot be used here: it reports a run
 * like "abc⌫⌫⏎" as one string, and Backspace (DEL) and the Delete key as the same key.
 *
 * The line lives in a ref, not only in React state: several pieces of one read arrive before React
 * renders again, and each must see the previous one's result (an Enter right after typing submits
 * what was typed).
 *
 * Keys that follow the submitting Enter (in its read, or in reads that arrive before the field goes
 * away) are not the field's: they go to `onKeysAfter`, for the next question. `useTerminalInput`
 * is the same subscription for the other prompts (Select.tsx, Confirm.tsx).
 */
import {useEffect, useRef, useState} from 'react';
import {Box, Text, measureElement, useStdin, useStdout, type DOMElement} from 'ink';
import {EMPTY_LINE, feed, lineOf, viewLine, type LineState} from './line-edit.js';

export interface LineEditorProps {
	/** Shown dim while the field is empty (a default that Enter accepts). */
	placeholder?: string;
	/** Replace every character with this one (tokens, keys): the text is never drawn. */
	mask?: string;
	/** Text the field starts with (rarely wanted: a default belongs in `placeholder`). */
	initialValue?: string;
	isActive: boolean;
	/**
	 * Enter: return true to accept (the field then takes no further input), false to keep editing.
	 * `rest`: the keys after the Enter in the same read (not applied to the line).
	 */
	onSubmit: (line: LineState, rest: string) => boolean;
	/** Called after every change of the text (not for cursor moves). */
	onChange?: (value: string) => void;
	/** Reads that arrive after an accepted Enter, before the field goes away. */
	onKeysAfter?: (keys: string) => void;
	/** Keys kept for this field (typed right after the previous answer): applied before any new key. */
	takeKeys?: () => string;
}

/**
 * Ink's input stream, read by read, while `isActive`: raw mode on, and `onInput` called with each
 * read (Ink delivers an escape sequence apart, a run of other keys together: split them with
 * line-edit.ts's `splitKeys`). On subscribing, `takeKeys()` (keys kept for this input) is fed first.
 * Ink's useInput cannot be used for prompts: it reports a run like "\rn" as one key that is not Enter.
 */
export function useTerminalInput(isActive: boolean, onInput: (data: string) => void, takeKeys?: () => string): void {
	const {internal_eventEmitter: events, setRawMode, isRawModeSupported} = useStdin();
	const latest = useRef({onInput, takeKeys});
	latest.current = {onInput, takeKeys};

	useEffect(() => {
		if (!isActive || !isRawModeSupported) return;
		setRawMode(true);
		return () => setRawMode(false);
	}, [isActive, isRawModeSupported, setRawMode]);

	useEffect(() => {
		if (!isActive) return;
		const handler = (data: string) => latest.current.onInput(data);
		events.on('input', handler);
		const kept = latest.current.takeKeys?.();
		if (kept) handler(kept);
		return () => {
			events.removeListener('input', handler);
		};
	}, [isActive, events]);
}

export function LineEditor({placeholder, mask, initialValue, isActive, onSubmit, onChange, onKeysAfter, takeKeys}: LineEditorProps) {
	const {stdout} = useStdout();
	const line = useRef<LineState>(initialValue ? lineOf(initialValue) : EMPTY_LINE);
	const done = useRef(false);
	const [shown, setShown] = useState<LineState>(line.current);

	useTerminalInput(
		isActive,
		(data: string) => {
			if (done.current) {
				onKeysAfter?.(data);
				return;
			}
			const before = line.current;
			// A secret's default is never copied into the field.
			const r = feed(before, data, mask === undefined ? placeholder : undefined);
			line.current = r.state;
			if (r.state !== before) {
				setShown(r.state);
				if (r.state.value !== before.value) onChange?.(r.state.value);
			}
			if (r.submitted && onSubmit(r.state, r.rest ?? '')) done.current = true;
		},
		takeKeys,
	);

	// The field is one row: text wider than the box scrolls around the cursor.
	const box = useRef<DOMElement>(null);
	const [width, setWidth] = useState(0);
	useEffect(() => {
		if (!box.current) return;
		const measured = measureElement(box.current).width;
		if (measured > 0 && measured !== width) setWidth(measured);
	});
	const room = width || Math.max(10, (stdout.columns || 80) - 4);
	const offset = useRef(0);
	const view = viewLine(shown, room, offset.current, mask);
	offset.current = view.offset;

	let content;
	if (shown.value === '' && placeholder) {
		const hint = mask === undefined ? placeholder : '(enter keeps the current value)';
		const chars = Array.from(hint);
		const fits = chars.slice(0, Math.max(1, room - 1));
		content = isActive ? (
			<Text>
				<Text inverse dimColor>
					{fits[0]}
				</Text>
				<Text dimColor>{fits.slice(1).join('')}</Text>
			</Text>
		) : (
			<Text dimColor>{fits.join('')}</Text>
		);
	} else if (isActive) {
		content = (
			<Text>
				{view.before}
				<Text inverse>{view.at}</Text>
				{view.after}
			</Text>
		);
	} else {
		content = <Text>{view.before + (shown.cursor < Array.from(shown.value).length ? view.at : '') + view.after}</Text>;
	}
	return (
		<Box ref={box} flexGrow={1} flexShrink={1} minWidth={1} height={1} overflow="hidden">
			{content}
		</Box>
	);
}
