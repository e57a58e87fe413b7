// A Stryker ignorer: the words of the node and credential descriptions (labels, descriptions,
// placeholders, action names, validation messages) are not mutated. They are copy a reviewer reads
// and n8n's linter checks for form; a test asserting each sentence would only restate it. What the
// descriptions do (parameter names, types, defaults, option values, display conditions) is mutated.
// Words built by code, and every message of an error, are mutated as usual.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const ALWAYS_COPY = new Set(['displayName', 'placeholder', 'action', 'hint', 'errorMessage']);
// `description` and `name` are copy only in a parameter, option or node description, which has a
// displayName (parameters, nodes) or a value (options). An error's `description` has neither.
const COPY_BESIDE_LABEL = new Set(['description', 'documentationUrl']);
const OPTION_LABEL = 'name';

function keyName(property) {
	const { key } = property;
	if (key.type === 'Identifier') return key.name;
	if (key.type === 'StringLiteral') return key.value;
	return undefined;
}

function isLiteralText(node) {
	if (node.type === 'StringLiteral') return true;
	if (node.type === 'TemplateLiteral') return node.expressions.length === 0;
	if (node.type === 'BinaryExpression' && node.operator === '+')
		return isLiteralText(node.left) && isLiteralText(node.right);
	return false;
}

function siblingKeys(objectNode) {
	return new Set(
		objectNode.properties
			.filter((property) => property.type === 'ObjectProperty' || property.type === 'ClassProperty')
			.map(keyName),
	);
}

function isCopy(path) {
	const property = path.node;
	if (property.type !== 'ObjectProperty' && property.type !== 'ClassProperty') return false;
	if (!property.value || !isLiteralText(property.value)) return false;
	const key = keyName(property);
	if (ALWAYS_COPY.has(key)) return true;
	const owner = path.parent;
	const siblings =
		owner.type === 'ObjectExpression'
			? siblingKeys(owner)
			: owner.type === 'ClassBody'
				? new Set(owner.body.map((member) => member.key && keyName(member)))
				: new Set();
	if (COPY_BESIDE_LABEL.has(key)) return siblings.has('displayName') || siblings.has('value');
	if (key === OPTION_LABEL) return siblings.has('value');
	return false;
}

export const strykerPlugins = [
	declareValuePlugin(PluginKind.Ignore, 'ui-copy', {
		shouldIgnore(path) {
			return isCopy(path) ? 'UI copy (test/mutation/uiCopy.mjs)' : undefined;
		},
	}),
];
