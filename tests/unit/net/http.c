/* Tests of net/http.c's address rule: which numeric addresses count as public (loopback,
 * RFC 1918, carrier-grade NAT, link-local, unique-local, multicast, unspecified and IPv4-mapped
 * forms of them do not), and the URL check's refusals naming `url`. */
#include "unit.h"

#include "net/net.h"

static void test_public_addresses(void **state)
{
    (void)state;
    const char *private[] = {"127.0.0.1",
                             "127.1.2.3",
                             "10.0.0.1",
                             "172.16.0.1",
                             "172.31.255.255",
                             "192.168.0.1",
                             "169.254.169.254",
                             "100.64.0.1",
                             "0.0.0.0",
                             "224.0.0.1",
                             "255.255.255.255",
                             "::1",
                             "::",
                             "fd00::1",
                             "fc00::1",
                             "fe80::1",
                             "ff02::1",
                             "::ffff:127.0.0.1",
                             "::ffff:10.0.0.1",
                             "not an address"};
    for (size_t i = 0; i < sizeof private / sizeof private[0]; i++)
        assert_false(net_addr_public(private[i]));
    const char *public[] = {"93.184.216.34", "172.32.0.1",      "192.169.0.1",   "100.128.0.1",
                            "8.8.8.8",       "2606:4700::1111", "::ffff:8.8.8.8"};
    for (size_t i = 0; i < sizeof public / sizeof public[0]; i++)
        assert_true(net_addr_public(public[i]));
}

static void test_url_check(void **state)
{
    (void)state;
    const char *bad[] = {"ftp://127.0.0.1/", "127.0.0.1", "http://", "http:///x", "javascript:1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        diag d = {0};
        assert_int_equal(net_url_check(bad[i], true, NULL, &d), ST_INVALID);
        assert_string_equal(d.field, "url");
    }
    diag d = {0};
    assert_int_equal(net_url_check("http://127.0.0.1:8080/x", false, NULL, &d), ST_INVALID);
    assert_string_equal(d.field, "url");
    char addr[NET_ADDR_LEN];
    assert_int_equal(net_url_check("http://127.0.0.1:8080/x", true, addr, &d), ST_OK);
    assert_string_equal(addr, "127.0.0.1");
    assert_int_equal(net_url_check("https://[::1]/x", true, addr, &d), ST_OK);
    assert_string_equal(addr, "::1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_addresses),
        cmocka_unit_test(test_url_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
