import test from "ava";
import { readSettings, setting } from "../src/index.ts";
import {
  absolutePath,
  accessLog,
  bytes,
  flag,
  httpUrl,
  integer,
  labels,
  list,
  megabytes,
  oneOf,
  path,
  port,
  profileName,
  seconds,
  typedUrl,
} from "../src/kinds.ts";

test("a port is a whole number 0–65535", (t) => {
  const k = port();
  t.is(k.parse("8080"), 8080);
  t.is(k.parse("0"), 0);
  t.is(k.parse("65535"), 65535);
  for (const bad of ["65536", "-1", "80.5", "abc", "8080x", "1e3", " "]) t.is(k.parse(bad), undefined, bad);
});

test("an integer keeps to its bounds, both ends included", (t) => {
  const k = integer(1, 999);
  t.is(k.parse("1"), 1);
  t.is(k.parse("999"), 999);
  t.is(k.parse("0"), undefined);
  t.is(k.parse("1000"), undefined);
  t.is(k.allowed, "a whole number from 1 to 999");
});

test("seconds are read as milliseconds within their bounds, and shown as seconds", (t) => {
  const k = seconds(5, 3600);
  t.is(k.parse("60"), 60_000);
  t.is(k.parse("4"), undefined);
  t.is(k.parse("3601"), undefined);
  t.is(k.show(900_000), "`900`");
});

test("bytes are shown in the largest whole unit", (t) => {
  const k = bytes(0, 16 * 1024 ** 3);
  t.is(k.parse("20971520"), 20 * 1024 ** 2);
  t.is(k.show(256 * 1024 ** 2), "256 MiB");
  t.is(k.show(1000), "`1000`");
  t.is(k.parse(String(17 * 1024 ** 3)), undefined);
});

test("megabytes may be fractions but not zero or words", (t) => {
  const k = megabytes();
  t.is(k.parse("0.5"), 0.5);
  for (const bad of ["0", "-1", "lots", ""]) t.is(k.parse(bad), undefined, bad);
});

test("an enum accepts exactly its words", (t) => {
  const k = oneOf(["docker", "kubernetes", "none"] as const);
  t.is(k.parse("kubernetes"), "kubernetes");
  t.is(k.parse("Docker"), undefined);
  t.is(k.allowed, "one of docker, kubernetes, none");
});

test("urls must be http or https", (t) => {
  const k = httpUrl();
  t.is(k.parse("https://berth.example.com"), "https://berth.example.com");
  t.is(k.parse("ftp://x"), undefined);
  t.is(k.parse("127.0.0.1:8080"), undefined);
});

test("a typed URL is http:// when it names no scheme, loses its trailing slashes, and is http or https only", (t) => {
  const k = typedUrl();
  t.is(k.parse("127.0.0.1:8080"), "http://127.0.0.1:8080");
  t.is(k.parse("https://berth.example.com/"), "https://berth.example.com");
  t.is(k.parse("http://h:8080/berth//"), "http://h:8080/berth");
  for (const bad of ["ftp://x", "http://", "a b"]) t.is(k.parse(bad), undefined, bad);
  t.is(k.expected, "an http(s) URL");
});

test("a profile is a name of letters, digits, dots and dashes, or any path ending in .json", (t) => {
  const k = profileName();
  t.is(k.parse("staging-2.eu"), "staging-2.eu");
  t.is(k.parse("../elsewhere/ci.json"), "../elsewhere/ci.json");
  for (const bad of ["../etc/passwd", "a/b", "my profile"]) t.is(k.parse(bad), undefined, bad);
});

test("a flag is on for 1 alone", (t) => {
  t.true(flag().parse("1"));
  for (const off of ["0", "true", "yes"]) t.false(flag().parse(off), off);
});

test("paths are made absolute; an absolute path must already be one", (t) => {
  t.is(path().parse("/srv/berth/../data"), "/srv/data");
  t.is(path().parse("data"), `${process.cwd()}/data`);
  t.is(absolutePath().parse("logs/a.log"), undefined);
});

test("lists and labels are split on commas, blanks dropped", (t) => {
  t.deepEqual(list().parse(" 10.0.0.0/8, ,192.168.0.0/16 "), ["10.0.0.0/8", "192.168.0.0/16"]);
  t.deepEqual(labels().parse("disk=ssd, zone=a"), { disk: "ssd", zone: "a" });
  t.is(labels().parse("disk"), undefined);
  t.is(labels().parse("a=b=c"), undefined);
});

test("the access log is a word or an absolute file", (t) => {
  t.is(accessLog().parse("on"), "on");
  t.deepEqual(accessLog().parse("/var/log/a.log"), { file: "/var/log/a.log" });
  t.is(accessLog().parse("loud"), undefined);
});

test("an empty variable counts as unset and takes the default", (t) => {
  const settings = { port: setting({ env: "P", kind: port(), default: 8080, meaning: "m" }) };
  t.deepEqual(readSettings(settings, { P: "" }), { port: 8080 });
});
