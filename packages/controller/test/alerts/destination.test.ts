import test, { type ExecutionContext } from "ava";
import type { LookupAddress } from "node:dns";
import { checkDestination, type LookupAll } from "../../src/alerts/destination.ts";
import { BerthError } from "../../src/errors.ts";

/** A resolver that knows only `answers`; tests never ask real DNS. */
function resolver(answers: Record<string, LookupAddress[]>): LookupAll {
  return async (hostname) => {
    const found = answers[hostname];
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return found;
  };
}

const lookup = resolver({
  "hooks.example.com": [{ address: "93.184.215.14", family: 4 }],
  "dual.example.com": [
    { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
    { address: "93.184.215.14", family: 4 },
  ],
  "internal.example.com": [{ address: "10.0.0.7", family: 4 }],
  "sneaky.example.com": [
    { address: "93.184.215.14", family: 4 },
    { address: "169.254.169.254", family: 4 },
  ],
  "empty.example.com": [],
});

async function refusal(t: ExecutionContext, url: string, allowPrivate = false) {
  const error = await t.throwsAsync(checkDestination(url, { allowPrivate, lookup }), { instanceOf: BerthError });
  t.like(error, { code: "VALIDATION_FAILED", field: "url" });
  t.truthy(error?.hint, `${url} has a hint`);
  return error;
}

test("a host that resolves to a public address passes, pinned to that address", async (t) => {
  const destination = await checkDestination("https://hooks.example.com/berth?token=abc", { allowPrivate: false, lookup });
  t.is(destination.url.href, "https://hooks.example.com/berth?token=abc");
  t.is(destination.address, "93.184.215.14");
  t.is(destination.family, 4);
});

test("the first resolved address is pinned, with its family", async (t) => {
  t.like(await checkDestination("https://dual.example.com/", { allowPrivate: false, lookup }), {
    address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    family: 6,
  });
});

test("an explicit port and a public literal address pass without any lookup", async (t) => {
  const noLookup: LookupAll = async () => t.fail("looked up a literal") as never;
  t.like(await checkDestination("http://93.184.215.14:8443/x", { allowPrivate: false, lookup: noLookup }), {
    address: "93.184.215.14",
    family: 4,
  });
  t.like(await checkDestination("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:8080/", { allowPrivate: false, lookup: noLookup }), {
    address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
    family: 6,
  });
});

const refusedAddresses: [string, string][] = [
  ["127.0.0.1", "loopback"],
  ["127.255.0.9", "loopback"],
  ["10.1.2.3", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.10", "private"],
  ["169.254.169.254", "link-local"],
  ["100.64.0.1", "shared (CGNAT)"],
  ["100.127.255.254", "shared (CGNAT)"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "reserved"],
  ["[::1]", "loopback"],
  ["[::]", "unspecified"],
  ["[fc00::1]", "private (unique local)"],
  ["[fd12:3456::1]", "private (unique local)"],
  ["[fe80::1]", "link-local"],
  ["[febf::1]", "link-local"],
  ["[ff02::1]", "multicast"],
  ["[::ffff:127.0.0.1]", "IPv4-mapped loopback"],
  ["[::ffff:10.0.0.1]", "IPv4-mapped private"],
  ["[::ffff:169.254.169.254]", "IPv4-mapped link-local"],
  ["[::ffff:7f00:1]", "IPv4-mapped loopback"],
  ["[64:ff9b::a9fe:a9fe]", "NAT64 link-local"],
];

for (const [host, kind] of refusedAddresses) {
  test(`a literal ${host} is refused as ${kind}`, async (t) => {
    const error = await refusal(t, `http://${host}:8080/hook`);
    t.regex(error?.message ?? "", new RegExp(`, an? ${kind.replace(/[()]/g, "\\$&")} address$`));
    t.regex(error?.hint ?? "", /BERTH_ALERTS_ALLOW_PRIVATE_URLS/);
  });
}

test("the neighbours of the refused ranges are public", async (t) => {
  const noLookup: LookupAll = async () => [];
  for (const host of [
    "172.15.255.255",
    "172.32.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "11.0.0.1",
    "223.255.255.255",
    "[fec0::1]",
    "[fbff::1]",
    "[::ffff:8.8.8.8]",
  ]) {
    await t.notThrowsAsync(checkDestination(`http://${host}/`, { allowPrivate: false, lookup: noLookup }), host);
  }
});

test("numeric IPv4 spellings are judged by the address they stand for", async (t) => {
  for (const host of ["2130706433", "0x7f.1", "017700000001"]) {
    const error = await refusal(t, `http://${host}/`);
    t.regex(error?.message ?? "", /127\.0\.0\.1, a loopback address$/, host);
  }
});

test("a host name that resolves to a private address is refused, naming only its origin", async (t) => {
  const error = await refusal(t, "https://internal.example.com/hook?token=secret");
  t.is(error?.message, "url: https://internal.example.com is at 10.0.0.7, a private address");
});

test("a host name is refused when any one of its addresses is private", async (t) => {
  const error = await refusal(t, "https://sneaky.example.com/");
  t.regex(error?.message ?? "", /169\.254\.169\.254, a link-local address/);
});

test("allowPrivate lets loopback and private addresses through", async (t) => {
  t.like(await checkDestination("http://127.0.0.1:9000/", { allowPrivate: true, lookup }), { address: "127.0.0.1", family: 4 });
  t.like(await checkDestination("http://[::1]:9000/", { allowPrivate: true, lookup }), { address: "::1", family: 6 });
  t.like(await checkDestination("http://internal.example.com/", { allowPrivate: true, lookup }), { address: "10.0.0.7" });
});

test("schemes other than http and https are refused", async (t) => {
  for (const url of [
    "ftp://hooks.example.com/",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "gopher://hooks.example.com/",
    "ws://hooks.example.com/",
  ]) {
    const error = await refusal(t, url);
    t.regex(error?.message ?? "", /scheme ".+:" is not supported/, url);
  }
});

test("a user name or password in the URL is refused, and not repeated", async (t) => {
  for (const url of ["https://admin:hunter2@hooks.example.com/", "https://token@hooks.example.com/"]) {
    const error = await refusal(t, url);
    t.regex(error?.message ?? "", /user name or password/);
    t.false(error?.message.includes("hunter2"));
  }
});

test("a text that is not a URL is refused without being repeated", async (t) => {
  const error = await refusal(t, "hooks.example.com/secret-token");
  t.is(error?.message, "url: is not a URL");
});

test("a host that does not resolve, or resolves to nothing, is refused", async (t) => {
  t.regex(
    (await refusal(t, "https://nowhere.example.com/x?token=secret"))?.message ?? "",
    /^url: the host of https:\/\/nowhere\.example\.com does not resolve \(ENOTFOUND\)$/,
  );
  t.regex((await refusal(t, "https://empty.example.com/"))?.message ?? "", /has no addresses/);
});

test("port 0 is refused", async (t) => {
  t.regex((await refusal(t, "http://hooks.example.com:0/"))?.message ?? "", /port 0/);
});
