/**
 * The pending question, inside Ink: text (our LineEditor, masked when secret; see line-edit.ts for
 * its keys), select and confirm (Select.tsx, Confirm.tsx), and a note dismissed with Enter. Validation
 * errors show inline; the asker's promise settles on answer. Esc in a text field is the App's (skip
 * or back).
 *
 * Every prompt reads its keys one by one, however many arrive in one read, and the keys typed after
 * the answering key go to the next question (the asker keeps them for a moment): "\rn" at a choice
 * picks the focused option and answers the yes/no that follows with no.
 */
import {useRef, useState} from 'react';
import {Box, Text} from 'ink';
import type {SelectQuestion, TextQuestion} from '../app/asker.js';
import type {InkAsker, PendingQuestion} from './ink-asker.js';
import {Confirm} from './Confirm.js';
import {LineEditor, useTerminalInput} from './LineEditor.js';
import {Select} from './Select.js';
import {answerOf, choiceKey, splitKeys, type LineState} from './line-edit.js';

export interface PromptProps {
	pending: PendingQuestion;
	asker: InkAsker;
	/** False when stdin cannot go raw: the inputs are drawn but take no keys. */
	inputActive: boolean;
}

function TextPrompt({id, question, asker, inputActive}: {id: number; question: TextQuestion; asker: InkAsker; inputActive: boolean}) {
	const [error, setError] = useState<string | null>(null);
	// Enter: the trimmed line, or the default (shown as a placeholder) when the line is blank. A
	// refused value stays in the field, with the sentence under it, until the next edit.
	const submit = (line: LineState, rest: string) => {
		const value = answerOf(line, question.default);
		const problem = question.validate?.(value) ?? null;
		if (problem) {
			setError(problem);
			return false;
		}
		asker.answer(id, value, rest);
		return true;
	};
	return (
		<Box flexDirection="column">
			<Text bold>? {question.message}</Text>
			<Box>
				<Text color="cyan">› </Text>
				<LineEditor
					isActive={inputActive}
					placeholder={question.default}
					{...(question.secret ? {mask: '*'} : {})}
					onSubmit={submit}
					onChange={() => setError(null)}
					onKeysAfter={(keys) => asker.carryKeys(keys)}
					takeKeys={() => asker.takeKeys()}
				/>
			</Box>
			{error ? <Text color="red">✗ {error}</Text> : null}
		</Box>
	);
}

function SelectPrompt({id, question, asker, inputActive}: {id: number; question: SelectQuestion<string>; asker: InkAsker; inputActive: boolean}) {
	// The select focuses the first option: put the default first.
	const choices = [...question.choices].sort((a, b) => Number(b.value === question.default) - Number(a.value === question.default));
	return (
		<Box flexDirection="column">
			<Text bold>? {question.message}</Text>
			<Select
				isDisabled={!inputActive}
				options={choices.map((c) => ({label: c.name, value: c.value}))}
				visibleOptionCount={Math.min(choices.length, 6)}
				onSubmit={(value, rest) => asker.answer(id, value, rest)}
				onKeysAfter={(keys) => asker.carryKeys(keys)}
				takeKeys={() => asker.takeKeys()}
			/>
			{choices
				.filter((c) => c.description)
				.map((c) => (
					<Box key={c.value} marginLeft={2}>
						<Text dimColor>
							{c.name}: {c.description}
						</Text>
					</Box>
				))}
		</Box>
	);
}

function NotePrompt({id, title, body, asker, inputActive}: {id: number; title: string; body: string; asker: InkAsker; inputActive: boolean}) {
	const done = useRef(false);
	useTerminalInput(
		inputActive,
		(data) => {
			if (done.current) {
				asker.carryKeys(data);
				return;
			}
			const pieces = splitKeys(data);
			const enter = pieces.findIndex((piece) => choiceKey(piece).kind === 'enter');
			if (enter < 0) return;
			done.current = true;
			asker.answer(id, undefined, pieces.slice(enter + 1).join(''));
		},
		() => asker.takeKeys(),
	);
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
			<Text bold>{title}</Text>
			<Text>{body}</Text>
			<Text dimColor>Press enter to continue.</Text>
		</Box>
	);
}

export function Prompt({pending, asker, inputActive}: PromptProps) {
	const common = {id: pending.id, asker, inputActive};
	switch (pending.kind) {
		case 'text':
			return <TextPrompt key={pending.id} {...common} question={pending.question} />;
		case 'select':
			return <SelectPrompt key={pending.id} {...common} question={pending.question} />;
		case 'confirm':
			return (
				<Box key={pending.id}>
					<Box flexShrink={1}>
						<Text bold>? {pending.question.message}</Text>
					</Box>
					<Box flexShrink={0} marginLeft={1}>
						<Confirm
							isDisabled={!inputActive}
							defaultValue={pending.question.default !== false}
							onAnswer={(value, rest) => asker.answer(pending.id, value, rest)}
							onKeysAfter={(keys) => asker.carryKeys(keys)}
							takeKeys={() => asker.takeKeys()}
						/>
					</Box>
				</Box>
			);
		case 'note':
			return <NotePrompt key={pending.id} {...common} title={pending.title} body={pending.body} />;
	}
}
