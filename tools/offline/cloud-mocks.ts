/**
 * What the clouds would answer, for the offline plan: data-source (invoke) results and the few resource outputs
 * that other resources need as known values. Everything not listed here stays unknown, so the plan shows it as
 * `[computed]`, exactly as `pulumi preview` would.
 */

type Inputs = Record<string, unknown>;

/** Canned results of provider functions, by Pulumi function token. */
const INVOKES: Record<string, (args: Inputs) => Inputs> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
        names: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
        state: "available",
    }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: "123456789012",
        arn: "arn:aws:iam::123456789012:role/offline-plan",
        userId: "AROAOFFLINEPLAN",
    }),
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
    "aws:index/getRegion:getRegion": () => ({ name: "eu-west-1", region: "eu-west-1", id: "eu-west-1" }),
    "gcp:organizations/getProject:getProject": (args) => ({
        projectId: args.projectId ?? "offline-project",
        number: "123456789012",
        name: "offline-project",
    }),
    "gcp:organizations/getClientConfig:getClientConfig": () => ({ accessToken: "offline", project: "offline-project" }),
};

export function mockInvoke(token: string, args: Inputs): Inputs {
    const answer = INVOKES[token];
    return answer ? answer(args) : args;
}

/**
 * Outputs of resources that the cloud fills in and that the plan should show as known, keyed by type token.
 * Keep this short: an output missing here is `[computed]`, which is the honest answer.
 */
const RESOURCE_OUTPUTS: Record<string, (name: string, inputs: Inputs) => Inputs> = {};

export function mockResourceOutputs(type: string, name: string, inputs: Inputs): Inputs {
    const outputs = RESOURCE_OUTPUTS[type];
    return outputs ? outputs(name, inputs) : {};
}
