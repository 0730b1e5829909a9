/** Small builders over @grafana/grafana-foundation-sdk that every Airflow dashboard shares. */
import { common, Dashboard, dashboard, prometheus, stat, timeseries } from "./sdk";

/** One PromQL query with its legend. */
export type Query = [expr: string, legend: string];

/** The panel and variable builders, all querying the Prometheus datasource of uid `datasourceUid`. */
export function panelBuilders(datasourceUid: string) {
    const datasource = { type: "prometheus", uid: datasourceUid };
    const targets = (queries: Query[]) =>
        queries.map(([expr, legend], i) =>
            new prometheus.DataqueryBuilder()
                .datasource(datasource)
                .expr(expr)
                .legendFormat(legend)
                .refId(String.fromCharCode(65 + i)),
        );

    function timeSeries(
        title: string,
        queries: Query[],
        opts: { unit?: string; width?: number; description?: string; stack?: boolean } = {},
    ) {
        const panel = new timeseries.PanelBuilder()
            .title(title)
            .datasource(datasource)
            .targets(targets(queries))
            .unit(opts.unit ?? "short")
            .height(8)
            .span(opts.width ?? 12)
            .fillOpacity(10)
            .legend(
                new common.VizLegendOptionsBuilder()
                    .displayMode(common.LegendDisplayMode.Table)
                    .placement(common.LegendPlacement.Bottom)
                    .showLegend(true),
            );
        if (opts.description) panel.description(opts.description);
        if (opts.stack) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
        return panel;
    }

    function singleStat(
        title: string,
        query: Query,
        opts: { unit?: string; width?: number; description?: string; red?: number } = {},
    ) {
        const panel = new stat.PanelBuilder()
            .title(title)
            .datasource(datasource)
            .targets(targets([query]))
            .unit(opts.unit ?? "short")
            .height(4)
            .span(opts.width ?? 6)
            .graphMode(common.BigValueGraphMode.Area)
            .colorMode(common.BigValueColorMode.Background)
            .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]));
        if (opts.red !== undefined)
            panel.thresholds(
                new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
                    { value: null as unknown as number, color: "green" },
                    { value: opts.red, color: "red" },
                ]),
            );
        if (opts.description) panel.description(opts.description);
        return panel;
    }

    /** A query variable over the Prometheus datasource, refreshed when the time range changes. */
    function queryVariable(
        name: string,
        label: string,
        query: string,
        opts: { multi?: boolean; includeAll?: boolean } = {},
    ) {
        return new dashboard.QueryVariableBuilder(name)
            .label(label)
            .datasource(datasource)
            .query(query)
            .definition(query)
            .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
            .sort(dashboard.VariableSort.AlphabeticalAsc)
            .multi(opts.multi ?? false)
            .includeAll(opts.includeAll ?? false);
    }

    /** The `$namespace` variable: every Airflow namespace that reports through a statsd-exporter. */
    function namespaceVariable() {
        return queryVariable("namespace", "Namespace", `label_values(statsd_exporter_samples_total, namespace)`, {
            multi: true,
            includeAll: true,
        });
    }

    return { timeSeries, singleStat, queryVariable, namespaceVariable };
}

export function row(title: string) {
    return new dashboard.RowBuilder(title);
}

export function newDashboard(uid: string, title: string, description: string) {
    return new dashboard.DashboardBuilder(title)
        .uid(uid)
        .description(description)
        .tags(["airflow", "airflow-platform"])
        .editable()
        .time({ from: "now-6h", to: "now" })
        .refresh("1m")
        .timezone("browser")
        .tooltip(dashboard.DashboardCursorSync.Crosshair);
}

/** Every PromQL expression in a built dashboard (panels, rows' panels, query variables). */
export function dashboardExpressions(d: Dashboard): { where: string; expr: string }[] {
    const out: { where: string; expr: string }[] = [];
    const visit = (panels: unknown[] | undefined) => {
        for (const p of (panels ?? []) as { title?: string; targets?: { expr?: string }[]; panels?: unknown[] }[]) {
            for (const t of p.targets ?? []) if (t.expr) out.push({ where: `${d.title}/${p.title}`, expr: t.expr });
            visit(p.panels);
        }
    };
    visit(d.panels as unknown[]);
    for (const v of (d.templating?.list ?? []) as { name: string; definition?: string; type: string }[])
        if (v.type === "query" && v.definition)
            out.push({ where: `${d.title}/$${v.name}`, expr: labelValuesSelector(v.definition) });
    return out;
}

/** `label_values(<selector>, label)` is Grafana syntax, not PromQL: its selector is the PromQL part. */
export function labelValuesSelector(definition: string): string {
    const m = /^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$/.exec(definition.trim());
    return m ? m[1] : definition;
}
