/** PromQL inspection with Prometheus' own grammar (@prometheus-io/lezer-promql): syntax errors and the metrics used. */
import { parser } from "@prometheus-io/lezer-promql";
import { ruleExpressions } from "./alerts";
import { dashboardExpressions } from "./dashboards";
import type { AirflowMixin } from "./mixin";

export interface SelectorUse {
    metric: string;
    /** Label names the selector matches on. */
    labels: string[];
}

export interface PromqlInspection {
    /** Text around each syntax error the parser recovered from; empty for a valid expression. */
    errors: string[];
    selectors: SelectorUse[];
}

export function inspectPromql(expr: string): PromqlInspection {
    const tree = parser.parse(expr);
    const errors: string[] = [];
    const selectors: SelectorUse[] = [];
    tree.iterate({
        enter: (node) => {
            if (node.type.isError)
                errors.push(`at ${node.from}: …${expr.slice(Math.max(0, node.from - 20), node.to + 20)}…`);
            if (node.name === "VectorSelector") {
                const ident = node.node.getChild("Identifier");
                if (!ident) return;
                const labels: string[] = [];
                const matchers = node.node.getChild("LabelMatchers");
                matchers?.toTree().iterate({
                    enter: (m) => {
                        if (m.name === "LabelName")
                            labels.push(expr.slice(matchers.from + m.from, matchers.from + m.to));
                    },
                });
                selectors.push({ metric: expr.slice(ident.from, ident.to), labels });
            }
        },
    });
    return { errors, selectors };
}

/** Every PromQL expression of the Airflow mixin: dashboards (panels and variables) and rules. */
export function mixinExpressions(mixin: AirflowMixin): { where: string; expr: string }[] {
    const dashboards = Object.values(mixin.dashboards).flatMap((d) => dashboardExpressions(d));
    return [...dashboards, ...ruleExpressions([...mixin.recordingRules, ...mixin.alerts])];
}
