// Stand-in for the optional react-devtools-core peer of ink (ux-anchors §4.5): never used at run time.
export default {};
export const connectToDevTools = () => {};
