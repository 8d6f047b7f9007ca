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
	/** Enter: return true to accept (the field then ignores further input), false to keep editing. */
	onSubmit: (line: LineState) => boolean;
	/** Called after every change of the text (not for cursor moves). */
	onChange?: (value: string) => void;
}

export function LineEditor({placeholder, mask, initialValue, isActive, onSubmit, onChange}: LineEditorProps) {
	const {internal_eventEmitter: events, setRawMode, isRawModeSupported} = useStdin();
	const {stdout} = useStdout();
	const line = useRef<LineState>(initialValue ? lineOf(initialValue) : EMPTY_LINE);
	const done = useRef(false);
	const [shown, setShown] = useState<LineState>(line.current);
	// The latest callbacks, read by the one listener subscribed per activation.
	const latest = useRef({onSubmit, onChange, placeholder});
	latest.current = {onSubmit, onChange, placeholder};

	useEffect(() => {
		if (!isActive || !isRawModeSupported) return;
		setRawMode(true);
		return () => setRawMode(false);
	}, [isActive, isRawModeSupported, setRawMode]);

	useEffect(() => {
		if (!isActive) return;
		const onInput = (data: string) => {
			if (done.current) return;
			const before = line.current;
			// A secret's default is never copied into the field.
			const r = feed(before, data, mask === undefined ? latest.current.placeholder : undefined);
			line.current = r.state;
			if (r.state !== before) {
				setShown(r.state);
				if (r.state.value !== before.value) latest.current.onChange?.(r.state.value);
			}
			if (r.submitted && latest.current.onSubmit(r.state)) done.current = true;
		};
		events.on('input', onInput);
		return () => {
			events.removeListener('input', onInput);
		};
	}, [isActive, events, mask]);

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
