/**
 * The component's Secrets: the generated keys, the git-sync credentials and Flower's basic auth (the metadata
 * database's are database.ts'). The chart reads them by name; the release waits for them and hashes their data.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { AirflowScope } from "./namespace";
import { type AirflowSecretNames, CHART_SECRET_KEYS } from "./values";

/** The component's Secrets so far, by suffix. */
export interface AirflowSecretStore {
    /** Creates the Secret `<fullname>-<suffix>` in the namespace and records it and its data. */
    write(
        suffix: string,
        stringData: Record<string, pulumi.Input<string>>,
        extra?: pulumi.CustomResourceOptions,
    ): k8s.core.v1.Secret;
    /** The data of every Secret, by suffix, for the checksum annotations that roll the pods reading them. */
    readonly data: Record<string, pulumi.Output<Record<string, string>>>;
    /** Every Secret, in creation order: the release references them by name and waits for all of them. */
    readonly created: k8s.core.v1.Secret[];
}

/** An empty store whose Secrets go into the scope's namespace. */
export function airflowSecretStore(scope: AirflowScope): AirflowSecretStore {
    const data: Record<string, pulumi.Output<Record<string, string>>> = {};
    const created: k8s.core.v1.Secret[] = [];
    const write = (
        suffix: string,
        stringData: Record<string, pulumi.Input<string>>,
        extra: pulumi.CustomResourceOptions = {},
    ) => {
        data[suffix] = pulumi.output(stringData) as pulumi.Output<Record<string, string>>;
        const secret = new k8s.core.v1.Secret(
            `${scope.name}-${suffix}`,
            {
                metadata: {
                    name: `${scope.fullname}-${suffix}`,
                    namespace: scope.namespace.name,
                    labels: { "app.kubernetes.io/part-of": "airflow-platform" },
                },
                type: "Opaque",
                stringData: Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, pulumi.secret(v)])),
            },
            { ...scope.namespace.inNamespace, ...extra },
        );
        created.push(secret);
        return secret;
    };
    return { write, data, created };
}

/** A password generated once (no keepers), protected with the scope's `protect` when it holds a key. */
export function generatedPassword(
    scope: AirflowScope,
    suffix: string,
    length: number,
    keepIt = false,
): random.RandomPassword {
    return new random.RandomPassword(
        `${scope.name}-${suffix}`,
        { length, special: false },
        { parent: scope.parent, protect: keepIt && scope.protect },
    );
}

/** The Secrets every Airflow has: its keys, Redis' password and the broker URL, the admin's password. */
export interface GeneratedSecrets {
    names: Omit<
        AirflowSecretNames,
        "gitCredentials" | "flower" | "pgbouncerConfig" | "pgbouncerStats" | "postgresAuth"
    >;
    /** Secret: the password of the `admin` user the chart's create-user job makes. */
    adminPassword: pulumi.Output<string>;
}

/** Generated once: no keepers, so a later `pulumi up` never rotates them. */
export function createGeneratedSecrets(scope: AirflowScope, store: AirflowSecretStore): GeneratedSecrets {
    const { name, fullname, protect } = scope;
    const fernetBytes = new random.RandomBytes(`${name}-fernet-key`, { length: 32 }, { parent: scope.parent, protect });
    const fernetKey = fernetBytes.base64.apply((b64) => b64.replace(/\+/g, "-").replace(/\//g, "_"));
    const webserverKey = generatedPassword(scope, "webserver-secret-key", 48, true);
    const apiKey = generatedPassword(scope, "api-secret-key", 48, true);
    const jwt = generatedPassword(scope, "jwt-secret", 64, true);
    const redisPassword = generatedPassword(scope, "redis-password", 32);
    const adminPassword = generatedPassword(scope, "admin-password", 24);

    const keepSecret: pulumi.CustomResourceOptions = { protect };
    store.write("fernet-key", { [CHART_SECRET_KEYS.fernet]: fernetKey }, keepSecret);
    store.write("webserver-secret-key", { [CHART_SECRET_KEYS.webserverSecretKey]: webserverKey.result }, keepSecret);
    store.write("api-secret-key", { [CHART_SECRET_KEYS.apiSecretKey]: apiKey.result }, keepSecret);
    store.write("jwt-secret", { [CHART_SECRET_KEYS.jwt]: jwt.result }, keepSecret);
    store.write("redis-password", { [CHART_SECRET_KEYS.redisPassword]: redisPassword.result });
    store.write("broker-url", {
        [CHART_SECRET_KEYS.connection]: pulumi.interpolate`redis://:${redisPassword.result}@${fullname}-redis:6379/0`,
    });
    store.write("admin-password", { [CHART_SECRET_KEYS.adminPassword]: adminPassword.result });
    return {
        names: {
            fernetKey: `${fullname}-fernet-key`,
            webserverSecretKey: `${fullname}-webserver-secret-key`,
            apiSecretKey: `${fullname}-api-secret-key`,
            jwtSecret: `${fullname}-jwt-secret`,
            metadata: `${fullname}-metadata`,
            brokerUrl: `${fullname}-broker-url`,
            redisPassword: `${fullname}-redis-password`,
            adminPassword: `${fullname}-admin-password`,
        },
        adminPassword: adminPassword.result,
    };
}

/** git-sync's credentials, when the DAG repository needs them. */
export function createGitCredentials(
    scope: AirflowScope,
    store: AirflowSecretStore,
): Pick<AirflowSecretNames, "gitCredentials"> {
    const credentials = scope.airflow.dags.credentials;
    if (credentials.kind === "ssh") {
        // git-sync reads the key file verbatim; a key pasted without its final newline is rejected by ssh.
        store.write("git-credentials", {
            [CHART_SECRET_KEYS.gitSshKey]: pulumi
                .output(credentials.privateKey)
                .apply((k) => (k.endsWith("\n") ? k : `${k}\n`)),
        });
    } else if (credentials.kind === "https") {
        const { username, token } = credentials;
        // git-sync v4 reads GITSYNC_*, v3 GIT_SYNC_*; the chart references all four keys, so all four must exist.
        store.write("git-credentials", {
            GITSYNC_USERNAME: username,
            GITSYNC_PASSWORD: token,
            GIT_SYNC_USERNAME: username,
            GIT_SYNC_PASSWORD: token,
        });
    } else {
        return {};
    }
    return { gitCredentials: `${scope.fullname}-git-credentials` };
}

/** Flower's basic auth (`admin:<generated>`). */
export function createFlowerSecret(scope: AirflowScope, store: AirflowSecretStore): Pick<AirflowSecretNames, "flower"> {
    const flowerPassword = generatedPassword(scope, "flower-password", 24);
    store.write("flower", { [CHART_SECRET_KEYS.flowerBasicAuth]: pulumi.interpolate`admin:${flowerPassword.result}` });
    return { flower: `${scope.fullname}-flower` };
}
