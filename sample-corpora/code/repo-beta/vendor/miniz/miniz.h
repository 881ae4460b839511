/* miniz stand-in: vendored code is skipped by the reader, whatever it holds. */
#define MINIZ_VERSION "3.0.2"
