import { expect } from "chai";
import { compareResources } from "../tools/plan-compare";

// The tool that proves a refactor changed nothing `pulumi up` would do: it must see every kind of change.
describe("plan:compare (resource-by-resource comparison of two plans)", () => {
    const urn = (parent: string, name: string) =>
        `urn:pulumi:dev::airflow-platform::${parent}$kubernetes:core/v1:ConfigMap::${name}`;
    const entry = (u: string, extra: Record<string, unknown> = {}) => ({
        type: "kubernetes:core/v1:ConfigMap",
        name: u.split("::").pop()!,
        urn: u,
        parent: null,
        protect: false,
        retainOnDelete: false,
        ignoreChanges: [],
        dependencies: [],
        inputs: { data: { a: "1" }, metadata: { name: "x" } },
        ...extra,
    });

    it("finds two identical plans identical, whatever the key order", () => {
        const a = entry(urn("p:a:A", "cm"));
        const b = { ...entry(urn("p:a:A", "cm")), inputs: { metadata: { name: "x" }, data: { a: "1" } } };
        expect(compareResources([a], [b])).to.deep.equal({ diffs: [], renamed: 0 });
    });

    it("reports added, removed and changed resources, naming the changed input", () => {
        const before = [entry(urn("p:a:A", "kept")), entry(urn("p:a:A", "gone"))];
        const after = [
            { ...entry(urn("p:a:A", "kept")), protect: true, inputs: { data: { a: "2" }, metadata: { name: "x" } } },
            entry(urn("p:a:A", "new")),
        ];
        const { diffs } = compareResources(before, after);
        expect(diffs).to.have.members([
            `+ ${urn("p:a:A", "new")}`,
            `- ${urn("p:a:A", "gone")}`,
            `~ ${urn("p:a:A", "kept")}: protect false → true`,
            `~ ${urn("p:a:A", "kept")}: inputs.data.a`,
        ]);
    });

    it("matches a moved resource by its alias, and a dependency on it follows the move", () => {
        const oldUrn = urn("p:a:A", "cm");
        const newUrn = urn("p:b:B", "cm");
        const dependent = urn("p:a:A", "user");
        const before = [entry(oldUrn), entry(dependent, { dependencies: [oldUrn] })];
        const after = [entry(newUrn, { aliases: [oldUrn] }), entry(dependent, { dependencies: [newUrn] })];
        expect(compareResources(before, after)).to.deep.equal({ diffs: [], renamed: 1 });
        // Without the alias the same move is a delete and a create: state would be lost.
        const { diffs } = compareResources(before, [entry(newUrn), entry(dependent, { dependencies: [newUrn] })]);
        expect(diffs).to.include(`+ ${newUrn}`).and.to.include(`- ${oldUrn}`);
    });

    it("moves a component's children with it when only the component carries the alias (the engine inherits it)", () => {
        const stackUrn = (chain: string, name: string) => `urn:pulumi:dev::airflow-platform::${chain}::${name}`;
        const component = (token: string, aliases?: string[]) => ({
            ...entry(stackUrn(token, "airflow")),
            type: token,
            name: "airflow",
            ...(aliases ? { aliases } : {}),
        });
        const child = (token: string) => ({
            ...entry(stackUrn(`${token}$kubernetes:core/v1:ConfigMap`, "airflow-cm")),
            parent: "airflow",
        });
        const before = [component("airflow-platform:index:Airflow"), child("airflow-platform:index:Airflow")];
        const after = [
            component("airflow-platform:airflow:Airflow", [stackUrn("airflow-platform:index:Airflow", "airflow")]),
            child("airflow-platform:airflow:Airflow"),
        ];
        const { diffs, renamed } = compareResources(before, after);
        expect(diffs).to.deep.equal([
            `~ ${after[0].urn}: type "airflow-platform:index:Airflow" → "airflow-platform:airflow:Airflow"`,
        ]);
        expect(renamed).to.equal(2);
    });
});
