import test from "ava";
import { clientAddress, createAddressSet, parseCidr } from "../src/cidr.ts";

test("matches IPv4 and IPv6 CIDRs, including IPv4 clients on dual-stack sockets", (t) => {
  const set = createAddressSet(["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]);
  t.true(set.has("10.200.3.4"));
  t.true(set.has("::ffff:10.1.1.1"));
  t.true(set.has("2001:db8:1::5"));
  t.true(set.has("192.0.2.7"));
  t.false(set.has("192.0.2.8"));
  t.false(set.has("2001:db9::1"));
  t.false(set.has("not-an-ip"));
});

test("rejects malformed CIDRs with a hint", (t) => {
  t.throws(() => parseCidr("10.0.0.0/33"), { message: /invalid prefix length — use 0-32/ });
  t.throws(() => parseCidr("example.com"), { message: /not an IP address or CIDR/ });
});

test("leaves invalid entries out of a set and reports them", (t) => {
  const errors: Error[] = [];
  const set = createAddressSet(["bogus", "10.0.0.0/8"], (e) => errors.push(e));
  t.is(set.size, 1);
  t.is(errors.length, 1);
});

test("walks X-Forwarded-For from the right past trusted proxies", (t) => {
  const trusted = createAddressSet(["127.0.0.1", "10.0.0.0/8"]);
  t.is(clientAddress("127.0.0.1", "198.51.100.1, 10.0.0.2", trusted), "198.51.100.1");
  t.is(clientAddress("::ffff:127.0.0.1", "1.1.1.1, 198.51.100.1, 10.0.0.2", trusted), "198.51.100.1");
  t.is(clientAddress("203.0.113.5", "198.51.100.1", trusted), "203.0.113.5");
  t.is(clientAddress("127.0.0.1", undefined, trusted), "127.0.0.1");
});
