/** Words for counts in sentences: "1 change", "2 changes" — never "1 change(s)". */
export function count(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}
