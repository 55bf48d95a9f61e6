/*
 * filter.c - output filters of show commands, as IOS's "| include",
 * "| exclude", "| begin" and "| section" with a regular expression
 * (literals, '.', '[...]', '[^...]', '*', '+', '?', '^', '$', '|').
 */
#include "fw.h"

static int fmode;           /* 0 off, 1 include, 2 exclude, 3 begin, 4 section */
static char pat[128];
static char line[512];
static size_t llen;
static int begun, in_section;

/* ------------------------------------------------------------ regex */

static int match_here(const char *re, const char *re_end, const char *s);

/* Length of one atom at re (a char, '.', '\x' or a bracket class). */
static const char *atom_end(const char *re, const char *re_end)
{
    if (*re == '\\' && re + 1 < re_end)
        return re + 2;
    if (*re == '[') {
        const char *p = re + 1;
        if (p < re_end && *p == '^')
            p++;
        if (p < re_end && *p == ']')
            p++;
        while (p < re_end && *p != ']')
            p++;
        return p < re_end ? p + 1 : re_end;
    }
    return re + 1;
}

static int atom_match(const char *re, const char *ae, char c)
{
    if (!c)
        return 0;
    if (*re == '.')
        return 1;
    if (*re == '\\')
        return re[1] == c;
    if (*re == '[') {
        const char *p = re + 1;
        int neg = 0, hit = 0;
        if (*p == '^') {
            neg = 1;
            p++;
        }
        const char *end = ae - 1;
        for (; p < end; p++) {
            if (p + 2 < end && p[1] == '-') {
                if (c >= p[0] && c <= p[2])
                    hit = 1;
                p += 2;
            } else if (*p == c) {
                hit = 1;
            }
        }
        return hit != neg;
    }
    if (*re == '_')  /* IOS: a delimiter */
        return c == ' ' || c == ',' || c == '(' || c == ')' || c == '{' ||
               c == '}';
    return *re == c;
}

static int match_here(const char *re, const char *re_end, const char *s)
{
    if (re == re_end)
        return 1;
    if (*re == '$' && re + 1 == re_end)
        return *s == 0;
    const char *ae = atom_end(re, re_end);
    char q = ae < re_end ? *ae : 0;
    if (q == '*' || q == '+' || q == '?') {
        const char *t = s;
        int min = q == '+', max = q == '?' ? 1 : 1 << 30, n = 0;
        while (n < max && atom_match(re, ae, *t)) {
            t++;
            n++;
        }
        for (; n >= min; n--, t--) {
            if (match_here(ae + 1, re_end, t))
                return 1;
            if (n == 0)
                break;
        }
        return 0;
    }
    if (atom_match(re, ae, *s))
        return match_here(ae, re_end, s + 1);
    return 0;
}

static int match_one(const char *re, const char *re_end, const char *s)
{
    if (re < re_end && *re == '^')
        return match_here(re + 1, re_end, s);
    do {
        if (match_here(re, re_end, s))
            return 1;
    } while (*s++);
    return 0;
}

int fw_regex_match(const char *re, const char *s)
{
    const char *start = re;
    for (const char *p = re;; p++) {
        if (*p == '|' || *p == 0) {
            if (match_one(start, p, s))
                return 1;
            if (*p == 0)
                return 0;
            start = p + 1;
        }
    }
}

/* ----------------------------------------------------------- filter */

static void emit(void)
{
    line[llen] = 0;
    int show;
    switch (fmode) {
    case 1: show = fw_regex_match(pat, line); break;
    case 2: show = !fw_regex_match(pat, line); break;
    case 3:
        if (!begun && fw_regex_match(pat, line))
            begun = 1;
        show = begun;
        break;
    default: /* section: a matching line and the indented ones after it */
        if (line[0] != ' ')
            in_section = fw_regex_match(pat, line);
        show = in_section;
        break;
    }
    if (show) {
        fmode = -fmode; /* write through */
        tty_writen(line, llen);
        tty_putc('\n');
        fmode = -fmode;
    }
    llen = 0;
}

/* Returns 1 when the character was taken by the filter. */
int filter_putc(int c)
{
    if (fmode <= 0)
        return 0;
    if (c == '\n') {
        emit();
    } else if (c != '\r' && llen + 1 < sizeof(line)) {
        line[llen++] = (char)c;
    }
    return 1;
}

void filter_start(int mode, const char *p, size_t n)
{
    if (n >= sizeof(pat))
        n = sizeof(pat) - 1;
    memcpy(pat, p, n);
    pat[n] = 0;
    llen = 0;
    begun = in_section = 0;
    fmode = mode;
}

void filter_end(void)
{
    if (fmode > 0 && llen)
        emit();
    fmode = 0;
}
