/**
 * @grafana/grafana-foundation-sdk publishes its modules only through package.json "exports", which this project's
 * `moduleResolution: node` cannot see: the values come from the exported subpaths, the types from the dist files.
 */
/* eslint-disable @typescript-eslint/no-require-imports */

export const common: typeof import("@grafana/grafana-foundation-sdk/dist/common") = require("@grafana/grafana-foundation-sdk/common");
export const dashboard: typeof import("@grafana/grafana-foundation-sdk/dist/dashboard") = require("@grafana/grafana-foundation-sdk/dashboard");
export const prometheus: typeof import("@grafana/grafana-foundation-sdk/dist/prometheus") = require("@grafana/grafana-foundation-sdk/prometheus");
export const stat: typeof import("@grafana/grafana-foundation-sdk/dist/stat") = require("@grafana/grafana-foundation-sdk/stat");
export const timeseries: typeof import("@grafana/grafana-foundation-sdk/dist/timeseries") = require("@grafana/grafana-foundation-sdk/timeseries");

export type Dashboard = import("@grafana/grafana-foundation-sdk/dist/dashboard").Dashboard;
