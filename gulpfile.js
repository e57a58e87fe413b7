// tsc emits only JavaScript: n8n also needs each node's icons and its codex (.node.json) file
// beside the built .node.js, so `npm run build` copies them into dist/ with the same layout.
const { src, dest } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.svg', 'nodes/**/*.png', 'nodes/**/*.node.json', 'credentials/**/*.svg'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports.build = copyNodeAssets;
exports.default = copyNodeAssets;
