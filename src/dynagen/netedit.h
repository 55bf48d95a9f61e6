/*
 * Edits of the network file by the CLI (save, idlepc save, dynagen.md
 * §13.5, §13.6): one key of one section set, every other line, comment
 * and indentation kept byte for byte, the file replaced atomically.
 */
#ifndef DYNAGEN_NETEDIT_H
#define DYNAGEN_NETEDIT_H

/*
 * In the file text, set `key = value` in [server] (section NULL) or in
 * [[section]] under [server] (names as written inside the brackets).
 * Returns the new text, or NULL with *why (e.g. the section is missing).
 */
char *netedit_apply(const char *text, const char *server, const char *section,
                    const char *key, const char *value, char **why);

/* The same on a file, written atomically. 0, or -1 with *why. */
int netedit_set(const char *path, const char *server, const char *section,
                const char *key, const char *value, char **why);

#endif
