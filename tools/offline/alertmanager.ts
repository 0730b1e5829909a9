/**
 * Alertmanager's configuration as the plan shows it: routes, inhibitions and receivers in the clear, only the fields
 * Alertmanager itself treats as secrets masked, so a reviewer sees where alerts go without seeing the keys.
 */
import * as YAML from "yaml";
import { SECRET } from "./runtime";

/**
 * Fields Alertmanager holds as `Secret` / `SecretURL` (its config/config.go and config/notifiers.go), by section. A
 * test checks them against what the real Alertmanager masks in `/api/v2/status`. `webhook_configs.url` is masked too:
 * Debian's 0.25 still shows it, but newer releases mask it and a webhook URL often carries a token.
 */
const SECRET_FIELDS: Record<string, readonly string[]> = {
    global: [
        "smtp_auth_password",
        "smtp_auth_secret",
        "slack_api_url",
        "victorops_api_key",
        "opsgenie_api_key",
        "wechat_api_secret",
        "telegram_bot_token",
        "webex_api_token",
    ],
    email_configs: ["auth_password", "auth_secret"],
    slack_configs: ["api_url"],
    webhook_configs: ["url"],
    pagerduty_configs: ["routing_key", "service_key"],
    opsgenie_configs: ["api_key"],
    victorops_configs: ["api_key"],
    wechat_configs: ["api_secret"],
    pushover_configs: ["user_key", "token"],
    telegram_configs: ["bot_token"],
    discord_configs: ["webhook_url"],
    msteams_configs: ["webhook_url"],
};
/** Secrets of prometheus/common's HTTP client config (`http_config`), in any receiver. */
const HTTP_CONFIG_SECRETS: readonly string[] = ["password", "credentials", "bearer_token", "client_secret"];

type Obj = Record<string, unknown>;

/** The configuration with every secret field's value replaced by `[secret]`. */
export function maskAlertmanagerSecrets(config: Obj): Obj {
    const maskFields = (o: unknown, fields: readonly string[]): unknown => {
        if (!o || typeof o !== "object" || Array.isArray(o)) return o;
        const copy: Obj = { ...(o as Obj) };
        for (const f of fields) if (copy[f] !== undefined && copy[f] !== "") copy[f] = SECRET;
        if (copy.http_config) copy.http_config = maskHttpConfig(copy.http_config);
        return copy;
    };
    const maskHttpConfig = (h: unknown): unknown => {
        if (!h || typeof h !== "object" || Array.isArray(h)) return h;
        return Object.fromEntries(
            Object.entries(h as Obj).map(([k, v]) => [
                k,
                v && typeof v === "object" && !Array.isArray(v)
                    ? maskFields(v, HTTP_CONFIG_SECRETS)
                    : HTTP_CONFIG_SECRETS.includes(k)
                      ? SECRET
                      : v,
            ]),
        );
    };
    const masked: Obj = { ...config };
    if (config.global) masked.global = maskFields(config.global, SECRET_FIELDS.global);
    if (Array.isArray(config.receivers))
        masked.receivers = config.receivers.map((receiver) => {
            const r: Obj = { ...(receiver as Obj) };
            for (const [section, fields] of Object.entries(SECRET_FIELDS))
                if (section !== "global" && Array.isArray(r[section]))
                    r[section] = (r[section] as unknown[]).map((c) => maskFields(c, fields));
            return r;
        });
    return masked;
}

/** `alertmanager.yaml` text with its secret fields masked; undefined when it is not YAML. */
export function maskAlertmanagerYaml(text: string): string | undefined {
    try {
        const parsed = YAML.parse(text) as unknown;
        if (!parsed || typeof parsed !== "object") return undefined;
        return YAML.stringify(maskAlertmanagerSecrets(parsed as Obj));
    } catch {
        return undefined;
    }
}
