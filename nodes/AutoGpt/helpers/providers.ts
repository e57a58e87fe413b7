// Providers and their integration scopes for the connect flow (contract §5).
export const PROVIDER_SCOPES: Record<string, string[]> = {
	google: [
		'google:gmail.readonly',
		'google:gmail.send',
		'google:sheets.read',
		'google:sheets.write',
		'google:calendar.read',
		'google:calendar.write',
		'google:drive.read',
		'google:drive.write',
	],
	github: ['github:repo.read', 'github:repo.write', 'github:user.read'],
	twitter: ['twitter:tweet.read', 'twitter:tweet.write', 'twitter:user.read'],
	linear: ['linear:read', 'linear:write'],
	notion: ['notion:read', 'notion:write'],
	slack: ['slack:read', 'slack:write'],
};
