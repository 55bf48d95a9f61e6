/*
 * Hypervisor protocol pieces that need no server: the request tokenizer
 * (hypervisor.md §2.1-2.2), reply lines (§3.1), Base64 (§2.4) and the
 * object registry (§4.1-4.3).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/hv_b64.h"
#include "hv/hv_parse.h"
#include "hv/hv_registry.h"
#include "hv/hv_reply.h"

/* Tokenize and compare with a NULL-terminated list of expected tokens. */
static void expect_tokens(const char *line, ...)
{
    struct hv_tokens t;
    assert_int_equal(hv_tokenize(line, strlen(line), &t), HV_PARSE_OK);
    va_list ap;
    va_start(ap, line);
    int i = 0;
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; i++) {
        assert_true(i < t.argc);
        assert_string_equal(t.argv[i], want);
    }
    va_end(ap);
    assert_int_equal(t.argc, i);
    assert_null(t.argv[t.argc]);
    hv_tokens_free(&t);
}

static void expect_error(const char *line, size_t len, int err)
{
    struct hv_tokens t;
    assert_int_equal(hv_tokenize(line, len, &t), err);
    assert_int_equal(t.argc, 0);
    assert_null(t.argv);
}

static void test_blanks(void **state)
{
    expect_tokens("vm create R1 1 c7200", "vm", "create", "R1", "1", "c7200",
                  NULL);
    expect_tokens("  \t a \t\t b  ", "a", "b", NULL);
    expect_tokens("", NULL);
    expect_tokens(" \t ", NULL);
}

static void test_quotes(void **state)
{
    /* §2.2, observed: parser_test a "b c" "" d gives 3 arguments */
    expect_tokens("a \"b c\" \"\" d", "a", "b c", "d", NULL);
    expect_tokens("\"a\"b", "a", "b", NULL);
    expect_tokens("\"a\"\"b\"", "a", "b", NULL);
    expect_tokens("\"x # y ! z\" w", "x # y ! z", "w", NULL);
    expect_tokens("\"a\\\" b", "a\\", "b", NULL); /* no escapes */
    expect_tokens("'x y'", "'x", "y'", NULL);
    expect_tokens("\"\"", NULL);
    expect_tokens("vm set_config \"R1\" \"cfg\" \"\"", "vm", "set_config",
                  "R1", "cfg", NULL);
    expect_error("a\"b", 3, HV_PARSE_QUOTE);
    expect_error("ab\"", 3, HV_PARSE_QUOTE);
    expect_error("\"abc", 4, HV_PARSE_EOL);
    expect_error("x \"abc\r\"", 8, HV_PARSE_EOL); /* CR ends the scan */
}

static void test_comments(void **state)
{
    expect_tokens("a#b c", "a", NULL);
    expect_tokens("a !b c", "a", NULL);
    expect_tokens("# whole line", NULL);
    expect_tokens("a \"#\" b # c", "a", "#", "b", NULL);
    expect_tokens("a \"x\"# c", "a", "x", NULL);
}

static void test_line_ends(void **state)
{
    expect_tokens("a\rb c", "a", NULL);
    expect_tokens("a b\r\n", "a", "b", NULL);
    expect_tokens("a\nb", "a", NULL);
    struct hv_tokens t;
    static const char nul[] = {'a', ' ', 'b', '\0', 'c'};
    assert_int_equal(hv_tokenize(nul, sizeof(nul), &t), HV_PARSE_OK);
    assert_int_equal(t.argc, 2);
    hv_tokens_free(&t);
}

static void test_long_token(void **state)
{
    size_t n = 1u << 20;
    char *line = malloc(n + 3);
    line[0] = '"';
    memset(line + 1, 'x', n);
    line[n + 1] = '"';
    line[n + 2] = 0;
    struct hv_tokens t;
    assert_int_equal(hv_tokenize(line, n + 2, &t), HV_PARSE_OK);
    assert_int_equal(t.argc, 1);
    assert_int_equal(strlen(t.argv[0]), n);
    hv_tokens_free(&t);
    free(line);
}

static void test_many_tokens(void **state)
{
    /* The worst case for the token vector: one-character words. */
    char line[401];
    for (int i = 0; i < 200; i++) {
        line[2 * i] = 'a';
        line[2 * i + 1] = ' ';
    }
    line[400] = 0;
    struct hv_tokens t;
    assert_int_equal(hv_tokenize(line, 399, &t), HV_PARSE_OK);
    assert_int_equal(t.argc, 200);
    hv_tokens_free(&t);
    assert_int_equal(hv_tokenize("\"a\"\"b\"\"c\"", 9, &t), HV_PARSE_OK);
    assert_int_equal(t.argc, 3);
    hv_tokens_free(&t);
}

static void test_reply_lines(void **state)
{
    struct hv_reply r;
    hv_reply_init(&r);
    hv_reply_info(&r, "R2 (%s)", "c7200");
    hv_reply_info(&r, "bad\r\ntext");
    hv_reply_final(&r, 100, "OK");
    hv_reply_final(&r, 209, "ignored: only one final line");
    hv_reply_info(&r, "ignored too");
    hv_reply_finish(&r);
    size_t n;
    const char *d = hv_reply_data(&r, &n);
    const char want[] = "101 R2 (c7200)\r\n101 bad  text\r\n100-OK\r\n";
    assert_int_equal(n, sizeof(want) - 1);
    assert_memory_equal(d, want, n);
    hv_reply_free(&r);

    /* a handler that forgot its final line still ends the reply */
    hv_reply_init(&r);
    hv_reply_info(&r, "x");
    hv_reply_finish(&r);
    d = hv_reply_data(&r, &n);
    const char want2[] = "101 x\r\n215-internal error: no reply\r\n";
    assert_int_equal(n, sizeof(want2) - 1);
    assert_memory_equal(d, want2, n);
    hv_reply_free(&r);

    hv_reply_init(&r);
    hv_reply_final(&r, 201, "Unknown module '%s'", "nio");
    hv_reply_finish(&r);
    d = hv_reply_data(&r, &n);
    assert_int_equal(n, strlen("201-Unknown module 'nio'\r\n"));
    assert_memory_equal(d, "201-Unknown module 'nio'\r\n", n);
    hv_reply_free(&r);
}

static void test_base64(void **state)
{
    static const struct {
        const char *plain, *enc;
    } v[] = {/* RFC 4648 §10 */
             {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},
             {"foo", "Zm9v"},   {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
             {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char *e = hv_b64_encode((const uint8_t *)v[i].plain,
                                strlen(v[i].plain));
        assert_string_equal(e, v[i].enc);
        free(e);
        uint8_t *d;
        long n = hv_b64_decode(v[i].enc, &d);
        assert_int_equal(n, (long)strlen(v[i].plain));
        assert_memory_equal(d, v[i].plain, (size_t)n);
        free(d);
    }
    static const char *const bad[] = {"Zg=", "Z===", "Zg=a", "Zm9v!A==",
                                      "Zg==Zg==", "=Zg=", "Zm 9"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t *d;
        assert_int_equal(hv_b64_decode(bad[i], &d), -1);
        assert_null(d);
    }
}

static int freed;
static void count_free(struct hv_obj *o)
{
    freed++;
}

static void test_registry(void **state)
{
    struct hv_registry reg;
    hv_registry_init(&reg);
    freed = 0;
    struct hv_obj *a = hv_obj_add(&reg, HV_KIND_VM, "R1", NULL, count_free);
    assert_non_null(a);
    assert_null(hv_obj_add(&reg, HV_KIND_VM, "R1", NULL, count_free));
    assert_int_equal(errno, EEXIST);
    /* another kind may use the same name */
    struct hv_obj *n = hv_obj_add(&reg, HV_KIND_NIO, "R1", NULL, count_free);
    assert_non_null(n);
    struct hv_obj *b = hv_obj_add(&reg, HV_KIND_VM, "R2", NULL, count_free);

    struct hv_obj **list;
    int k = hv_obj_list(&reg, HV_KIND_VM, &list);
    assert_int_equal(k, 2);
    assert_string_equal(list[0]->name, "R2"); /* newest first */
    hv_obj_list_put(&reg, list, k);

    assert_int_equal(hv_obj_rename(&reg, a, "R2"), -EEXIST);
    assert_int_equal(hv_obj_rename(&reg, a, "R1"), -EEXIST);
    assert_int_equal(hv_obj_rename(&reg, a, "R3"), 0);
    assert_null(hv_obj_get(&reg, HV_KIND_VM, "R1"));

    /* a binding reference blocks delete; holds do not */
    hv_obj_ref(&reg, n);
    assert_int_equal(hv_obj_remove(&reg, n), -EBUSY);
    hv_obj_unref(&reg, n);
    struct hv_obj *h = hv_obj_get(&reg, HV_KIND_NIO, "R1");
    assert_ptr_equal(h, n);
    assert_int_equal(hv_obj_remove(&reg, n), 0);
    assert_null(hv_obj_get(&reg, HV_KIND_NIO, "R1"));
    hv_obj_put(&reg, n);
    assert_int_equal(freed, 0); /* still held */
    hv_obj_put(&reg, h);
    assert_int_equal(freed, 1);

    assert_int_equal(hv_obj_remove(&reg, a), 0);
    assert_int_equal(hv_obj_remove(&reg, a), -ENOENT);
    hv_obj_put(&reg, a);
    assert_int_equal(hv_obj_remove(&reg, b), 0);
    hv_obj_put(&reg, b);
    assert_int_equal(freed, 3);
    hv_registry_destroy(&reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blanks),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_long_token),
        cmocka_unit_test(test_many_tokens),
        cmocka_unit_test(test_reply_lines),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
