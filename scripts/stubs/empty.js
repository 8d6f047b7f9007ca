// Stand-in for the optional react-devtools-core peer of ink: never used at run time.
export default {};
export const connectToDevTools = () => {};
