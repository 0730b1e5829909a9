/**
 * airflow-platform guard rails, run by `pulumi preview --policy-pack policy` (CI passes it to pulumi/actions as
 * `policyPacks`). Every policy is mandatory: a violation fails the preview and blocks `pulumi up`.
 */
import { PolicyPack } from "@pulumi/policy";
import { buildPolicies } from "./policies";

new PolicyPack("airflow-platform-guardrails", {
    description:
        "Pinned images, resource requests, spot only for workers, no plain-text secrets, TLS on public load balancers.",
    enforcementLevel: "mandatory",
    policies: buildPolicies("mandatory"),
});
