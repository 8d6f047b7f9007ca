/**
 * The pending question, inside Ink with @inkjs/ui: text (PasswordInput when secret), select, confirm,
 * and a note dismissed with Enter. Validation errors show inline; the asker's promise settles on answer.
 */
import {useCallback, useRef, useState} from 'react';
import {Box, Text, useInput} from 'ink';
import {ConfirmInput, PasswordInput, Select, TextInput} from '@inkjs/ui';
import type {SelectQuestion, TextQuestion} from '../app/asker.js';
import type {InkAsker, PendingQuestion} from './ink-asker.js';

export interface PromptProps {
	pending: PendingQuestion;
	asker: InkAsker;
	/** False when stdin cannot go raw: inputs are disabled (ux-anchors §4.3). */
	inputActive: boolean;
}

function TextPrompt({id, question, asker, inputActive}: {id: number; question: TextQuestion; asker: InkAsker; inputActive: boolean}) {
	const [error, setError] = useState<string | null>(null);
	// A paste that ends in a newline arrives as one chunk and lands in the field: treat it as Enter,
	// and remount the field (new key) with the cleaned text when the value is refused.
	const [field, setField] = useState({key: 0, value: question.default});
	const submit = (raw: string) => {
		const value = raw.trim() === '' && question.default !== undefined ? question.default : raw.trim();
		const problem = question.validate?.(value) ?? null;
		if (problem) {
			setError(problem);
			return false;
		}
		asker.answer(id, value);
		return true;
	};
	const latest = useRef({submit, secret: question.secret});
	latest.current = {submit, secret: question.secret};
	// Stable: @inkjs/ui calls onChange from an effect that depends on its identity.
	const onChange = useCallback((value: string) => {
		if (!/[\r\n]/.test(value)) {
			setError(null);
			return;
		}
		const clean = value.replace(/[\r\n]+/g, '');
		if (!latest.current.submit(clean)) setField((f) => ({key: f.key + 1, value: latest.current.secret ? undefined : clean}));
	}, []);
	return (
		<Box flexDirection="column">
			<Text bold>? {question.message}</Text>
			<Box>
				<Text color="cyan">› </Text>
				{question.secret ? (
					<PasswordInput key={field.key} isDisabled={!inputActive} onSubmit={submit} onChange={onChange} />
				) : (
					<TextInput key={field.key} isDisabled={!inputActive} defaultValue={field.value} onSubmit={submit} onChange={onChange} />
				)}
			</Box>
			{error ? <Text color="red">✗ {error}</Text> : null}
		</Box>
	);
}

function SelectPrompt({id, question, asker, inputActive}: {id: number; question: SelectQuestion<string>; asker: InkAsker; inputActive: boolean}) {
	// @inkjs/ui's Select focuses the first option and only reports a *change*: put the default first.
	const choices = [...question.choices].sort((a, b) => Number(b.value === question.default) - Number(a.value === question.default));
	return (
		<Box flexDirection="column">
			<Text bold>? {question.message}</Text>
			<Select
				isDisabled={!inputActive}
				options={choices.map((c) => ({label: c.name, value: c.value}))}
				visibleOptionCount={Math.min(choices.length, 6)}
				onChange={(value) => asker.answer(id, value)}
			/>
			{choices
				.filter((c) => c.description)
				.map((c) => (
					<Box key={c.value} marginLeft={2}>
						<Text dimColor>
							{c.value}: {c.description}
						</Text>
					</Box>
				))}
		</Box>
	);
}

function NotePrompt({id, title, body, asker, inputActive}: {id: number; title: string; body: string; asker: InkAsker; inputActive: boolean}) {
	useInput(
		(_input, key) => {
			if (key.return) asker.answer(id, undefined);
		},
		{isActive: inputActive},
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
						<ConfirmInput
							isDisabled={!inputActive}
							defaultChoice={pending.question.default === false ? 'cancel' : 'confirm'}
							onConfirm={() => asker.answer(pending.id, true)}
							onCancel={() => asker.answer(pending.id, false)}
						/>
					</Box>
				</Box>
			);
		case 'note':
			return <NotePrompt key={pending.id} {...common} title={pending.title} body={pending.body} />;
	}
}
