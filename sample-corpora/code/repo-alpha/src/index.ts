export { slugify, uniqueSlug } from './slugify.js';
export { EMOJI_NAMES } from './generated/emoji-names.js';
