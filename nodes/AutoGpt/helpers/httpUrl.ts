/** The value as an http(s) URL, or undefined when it is not one. */
export function parseHttpUrl(value: string): URL | undefined {
	try {
		const url = new URL(value);
		return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
	} catch {
		return undefined;
	}
}
