/**
 * What the clouds would answer, for the offline plan: the few resource outputs that other resources need as known
 * values to be planned at all. Everything not listed here stays unknown, so the plan shows it as `[computed]`, exactly
 * as `pulumi preview` would. The values listed here (and every mocked ID) are recorded by the runtime, and every
 * string holding one is written as `[computed]` too (`withComputed` in runtime.ts): they are made up, not known.
 */

type Inputs = Record<string, unknown>;

/** No component calls a provider function (data source); should one, its result is its arguments until added here. */
export function mockInvoke(_token: string, args: Inputs): Inputs {
    return args;
}

/**
 * Outputs of resources that the cloud fills in and that the plan should show as known, keyed by type token.
 * Keep this short: an output missing here is `[computed]`, which is the honest answer.
 */
const RESOURCE_OUTPUTS: Record<string, (name: string, inputs: Inputs) => Inputs> = {
    // Cluster layer: what the kubeconfig, the EFS/RDS security group rules and the subnets need.
    "gcp:container/cluster:Cluster": (_name, inputs) => {
        const endpoints = (inputs.controlPlaneEndpointsConfig ?? {}) as { dnsEndpointConfig?: Inputs };
        return {
            endpoint: "203.0.113.10",
            masterAuth: { clusterCaCertificate: OFFLINE_CA },
            // GKE names every cluster's DNS endpoint gke-<hash>.<region>.gke.goog.
            controlPlaneEndpointsConfig: {
                ...endpoints,
                dnsEndpointConfig: {
                    ...endpoints.dnsEndpointConfig,
                    endpoint: `gke-0ff11e0000000000.${String(inputs.location)}.gke.goog`,
                },
            },
        };
    },
    "gcp:sql/databaseInstance:DatabaseInstance": () => ({ privateIpAddress: "10.100.0.3" }),
    "aws:eks/cluster:Cluster": (name, inputs) => ({
        endpoint: `https://${String(inputs.name ?? name).toUpperCase()}.gr7.eu-west-1.eks.amazonaws.com`,
        certificateAuthority: { data: OFFLINE_CA },
        vpcConfig: { ...(inputs.vpcConfig as Inputs), clusterSecurityGroupId: OFFLINE_NODE_SECURITY_GROUP },
        identities: [{ oidcs: [{ issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/OFFLINEPLAN" }] }],
    }),
    "aws:iam/role:Role": (name) => ({ arn: `arn:aws:iam::123456789012:role/${name}`, name }),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_name, inputs) => ({
        arn: `arn:aws:iam::123456789012:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`,
    }),
    "aws:rds/instance:Instance": (name) => ({ address: `${name}.offline.eu-west-1.rds.amazonaws.com` }),
    "awsx:ec2:Vpc": (name, inputs) => {
        const zones = Number(inputs.numberOfAvailabilityZones ?? 3);
        return {
            vpcId: `vpc-${name}`,
            privateSubnetIds: Array.from({ length: zones }, (_, i) => `subnet-private-${i}`),
            publicSubnetIds: Array.from({ length: zones }, (_, i) => `subnet-public-${i}`),
        };
    },
};

/** The EKS cluster security group the offline plan reports: managed node groups run in it. */
export const OFFLINE_NODE_SECURITY_GROUP = "sg-0offline0cluster0";
/** Base64 of a placeholder, standing in for a cluster CA. */
const OFFLINE_CA = Buffer.from("offline-plan-cluster-ca").toString("base64");

export function mockResourceOutputs(type: string, name: string, inputs: Inputs): Inputs {
    const outputs = RESOURCE_OUTPUTS[type];
    return outputs ? outputs(name, inputs) : {};
}
