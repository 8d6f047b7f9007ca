// The floor for "first interactive frame": a minimal Ink app bundled with the same recipe.
import React from 'react';
import {Box, Text, render, useInput} from 'ink';

function Hello() {
	useInput(() => undefined);
	return (
		<Box borderStyle="round">
			<Text>HELLO-FRAME</Text>
		</Box>
	);
}

render(<Hello />);
