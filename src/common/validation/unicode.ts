/** An unpaired UTF-16 surrogate: not a character. PostgreSQL stores one in text as U+FFFD and refuses its JSON escape. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
