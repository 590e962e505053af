const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string with each half of a UTF-16 surrogate pair that has no other half replaced by U+FFFD. */
export const wellFormedText = (s: string): string => s.replace(LONE_SURROGATE, '\uFFFD');
