/**
 * The analyzer protocol the Pulumi engine speaks to a policy pack (the same gRPC stubs @pulumi/policy serves), for the
 * tests that run the pack as its own process.
 */
import { expect } from "chai";
import { ChildProcess } from "child_process";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";

export { analyzerPb };

/** A client of a started pack, once it has printed the port it serves on (as the engine reads it). */
export async function connectToPack(pack: ChildProcess): Promise<analyzerGrpc.AnalyzerClient> {
    const port = await new Promise<string>((resolve, reject) => {
        let err = "";
        pack.stdout!.on("data", (d: Buffer) => resolve(d.toString().trim()));
        pack.stderr!.on("data", (d: Buffer) => (err += d.toString()));
        pack.on("exit", (code) => reject(new Error(`the policy pack exited with ${code}: ${err}`)));
    });
    expect(port).to.match(/^\d+$/);
    return new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

/** The pack's answer for one resource, as the engine asks during a preview of the dev stack. */
export function analyzeResource(
    client: analyzerGrpc.AnalyzerClient,
    type: string,
    name: string,
    props: Record<string, unknown>,
): Promise<analyzerPb.AnalyzeResponse> {
    const req = new analyzerPb.AnalyzeRequest()
        .setType(type)
        .setName(name)
        .setUrn(`urn:pulumi:dev::airflow-platform::${type}::${name}`)
        .setProperties(Struct.fromJavaScript(props as Record<string, never>))
        .setOptions(new analyzerPb.AnalyzerResourceOptions());
    return new Promise((resolve, reject) => client.analyze(req, (err, res) => (err ? reject(err) : resolve(res!))));
}

/** The pack's name and policies. */
export function analyzerInfo(client: analyzerGrpc.AnalyzerClient): Promise<analyzerPb.AnalyzerInfo> {
    return new Promise((resolve, reject) =>
        client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res!))),
    );
}
