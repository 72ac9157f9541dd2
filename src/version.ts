/** The gateway's own version, as published in package.json. */
export const kVersion = '0.1.0';
