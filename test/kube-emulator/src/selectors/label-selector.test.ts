import { describe, expect, it } from "vitest";
import { statusErrorOf } from "../testing/status-error-of.js";
import {
  formatLabelSelector,
  isEverything,
  labelSelectorFromObject,
  matchesLabels,
  parseLabelSelector,
  type LabelSelectorObject,
} from "./label-selector.js";

const QUALIFIED =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe("parseLabelSelector: operators", () => {
  const labels = { app: "web", tier: "fe", count: "5" };
  it.each<[string, Record<string, string> | undefined, boolean]>([
    ["app=web", labels, true],
    ["app==web", labels, true],
    ["app=db", labels, false],
    ["app!=db", labels, true],
    ["app!=web", labels, false],
    ["missing!=x", labels, true],
    ["app in (db,web)", labels, true],
    ["app in (db)", labels, false],
    ["missing in (x)", labels, false],
    ["app notin (db)", labels, true],
    ["app notin (web)", labels, false],
    ["missing notin (web)", labels, true],
    ["app", labels, true],
    ["missing", labels, false],
    ["!missing", labels, true],
    ["!app", labels, false],
    ["count>4", labels, true],
    ["count<5", labels, false],
    ["app>4", labels, false],
    ["app=web,tier=fe", labels, true],
    ["app=web,tier=be", labels, false],
    ["  app = web ,  tier in ( fe , be ) ", labels, true],
    ["app=", { app: "" }, true],
    ["app in ()", { app: "" }, true],
    ["example.com/role=x", { "example.com/role": "x" }, true],
    ["in in (in)", { in: "in" }, true],
    ["app", undefined, false],
    ["!app", undefined, true],
    ["", labels, true],
    ["   ", undefined, true],
  ])("%j against %j is %s", (text, set, expected) => {
    expect(matchesLabels(parseLabelSelector(text), set)).toBe(expected);
  });
});

describe("parseLabelSelector: errors", () => {
  it.each<[string, string]>([
    ["app:web", `unable to parse requirement: <nil>: Invalid value: "app:web": name part ${QUALIFIED}`],
    ["a/b/c", `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${QUALIFIED} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ["Example.com/a=b", `unable to parse requirement: <nil>: Invalid value: "Example.com/a": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`],
    [`${"k".repeat(64)}=v`, `unable to parse requirement: <nil>: Invalid value: "${"k".repeat(64)}": name part must be no more than 63 characters`],
    ["app=-bad", `unable to parse requirement: values[0][app]: Invalid value: "-bad": ${LABEL_VALUE}`],
    ["count>x", `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
    ["app in db", "unable to parse requirement: found 'db' expected: '('"],
    ["app in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ["app in (a", "unable to parse requirement: found '', expected: ',' or ')'"],
    ["app web", "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt"],
    ["app=(x)", "unable to parse requirement: found '(', expected: identifier"],
    ["!", "unable to parse requirement: found '', expected: identifier"],
    ["!app=x", "found '=', expected: ',' or 'end of string'"],
    ["app=web,", "found '', expected: identifier after ','"],
    [",app", "found ',', expected: !, identifier, or 'end of string'"],
    ["app=a=b", "found '=', expected: ',' or 'end of string'"],
  ])("%j fails with the apiserver's message", (text, message) => {
    const err = statusErrorOf(() => parseLabelSelector(text));
    expect([err.code, err.reason, err.message]).toEqual([400, "BadRequest", message]);
  });
});

describe("formatLabelSelector", () => {
  it.each<[string, string]>([
    ["tier in (web, api, api),app", "app,tier in (api,web)"],
    ["b!=2, a==1", "a==1,b!=2"],
    ["!x,y notin (z),n>1,m<2", "m<2,n>1,!x,y notin (z)"],
    ["", ""],
  ])("%j prints as %j", (text, expected) => {
    expect(formatLabelSelector(parseLabelSelector(text))).toBe(expected);
  });
});

describe("labelSelectorFromObject", () => {
  it("converts matchLabels and matchExpressions", () => {
    const selector = labelSelectorFromObject({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["fe", "be"] },
        { key: "env", operator: "NotIn", values: ["prod"] },
        { key: "canary", operator: "DoesNotExist" },
        { key: "team", operator: "Exists", values: [] },
      ],
    });
    expect(formatLabelSelector(selector)).toBe("app=web,!canary,env notin (prod),team,tier in (be,fe)");
    expect(matchesLabels(selector, { app: "web", tier: "fe", team: "x" })).toBe(true);
    expect(matchesLabels(selector, { app: "web", tier: "fe", team: "x", canary: "1" })).toBe(false);
    expect(matchesLabels(selector, { app: "web", tier: "fe", team: "x", env: "prod" })).toBe(false);
  });

  it("selects everything when empty and nothing when absent", () => {
    expect(isEverything(labelSelectorFromObject({}))).toBe(true);
    expect(matchesLabels(labelSelectorFromObject({ matchLabels: {} }), undefined)).toBe(true);
    expect(matchesLabels(labelSelectorFromObject(null), {})).toBe(false);
    expect(matchesLabels(labelSelectorFromObject(undefined), { a: "b" })).toBe(false);
  });

  it.each<[LabelSelectorObject, string]>([
    [{ matchExpressions: [{ key: "a", operator: "Equals", values: ["b"] }] }, '"Equals" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: "a", operator: "In", values: [] }] }, "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, `values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist`],
    [{ matchLabels: { "bad key": "v" } }, `key: Invalid value: "bad key": name part ${QUALIFIED}`],
    [{ matchLabels: { k: "-v" } }, `values[0][k]: Invalid value: "-v": ${LABEL_VALUE}`],
    [{ matchLabels: { "-k": "-v" } }, `[key: Invalid value: "-k": name part ${QUALIFIED}, values[0][-k]: Invalid value: "-v": ${LABEL_VALUE}]`],
  ])("rejects %j", (sel, message) => {
    expect(statusErrorOf(() => labelSelectorFromObject(sel)).message).toBe(message);
  });
});
